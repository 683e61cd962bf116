// The provenance card is Markdown (`GET /v1/versions/{ref}/card`); micromark turns it into HTML
// and, as it does by default, escapes any HTML written in it, so a dataset description or a
// source name cannot inject markup into the page. GFM for the card's tables.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

export const renderMarkdown = (markdown: string): string => micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
