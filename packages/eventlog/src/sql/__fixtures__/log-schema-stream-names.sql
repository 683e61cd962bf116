-- The log's DDL as Cairn wrote it while every row carried its whole stream name under a
-- (stream, revision) key on the name (ids already stored as bytes), generated from that version's
-- schema.ts for the schema __SCHEMA__. Kept to build old-format logs for the upgrade spec: do not edit.
create schema if not exists "__SCHEMA__";

create table if not exists "__SCHEMA__".cairn_log (
      position bigint generated always as identity primary key,
      revision bigint not null,
      recorded_at timestamptz not null default statement_timestamp(),
      writer_xid xid8 not null default pg_current_xact_id(),
      id bytea not null,
      stream text not null,
      type text not null,
      data text not null,
      -- '' when the event has none (rows.ts): a NULL would add a null bitmap to the row's header.
      metadata text,
      constraint cairn_log_id_key unique (id),
      constraint cairn_log_stream_revision_key unique (stream, revision),
      constraint cairn_log_id_format check (octet_length(id) = 32),
      constraint cairn_log_revision_check check (revision >= 0),
      constraint cairn_log_stream_check check (stream <> '')
    );

do $do$ begin
       if exists (select 1 from pg_attribute where attrelid = '"__SCHEMA__".cairn_log'::regclass
                   and attname = 'id' and atttypid = 'text'::regtype) then
         alter table "__SCHEMA__".cairn_log drop constraint if exists cairn_log_id_format;
         alter table "__SCHEMA__".cairn_log alter column id type bytea using decode(id, 'hex'),
           add constraint cairn_log_id_format check (octet_length(id) = 32);
       end if;
     end $do$;

create or replace function "__SCHEMA__".cairn_log_reject_change() returns trigger language plpgsql as $fn$
     begin
       raise exception 'the cairn log is append-only: % on % is not allowed', tg_op, tg_table_name
         using errcode = 'restrict_violation';
     end $fn$;

create or replace trigger cairn_log_no_update before update or delete on "__SCHEMA__".cairn_log
       for each row execute function "__SCHEMA__".cairn_log_reject_change();

create or replace trigger cairn_log_no_truncate before truncate on "__SCHEMA__".cairn_log
       for each statement execute function "__SCHEMA__".cairn_log_reject_change();

alter table "__SCHEMA__".cairn_log add column if not exists writer_xid xid8 not null default pg_current_xact_id();

create or replace function "__SCHEMA__".cairn_log_order() returns trigger language plpgsql as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') = '' then
         perform pg_advisory_xact_lock(1128352082, hashtext(tg_table_schema || '.cairn_log'));
         if pg_current_xact_id_if_assigned() is not null then
           raise exception 'append to the cairn log before writing anything else in the transaction: its positions follow writer transaction ids'
             using errcode = 'object_not_in_prerequisite_state';
         end if;
         perform set_config('cairn.ordered', 'xact', true);
       end if;
       return null;
     end $fn$;

create or replace trigger cairn_log_order before insert on "__SCHEMA__".cairn_log
       for each statement execute function "__SCHEMA__".cairn_log_order();

drop function if exists "__SCHEMA__".cairn_log_fresh(text[], text[]);

create or replace function "__SCHEMA__".cairn_log_expect(streams text[], heads bigint[], ids text[]) returns boolean language plpgsql volatile as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') = '' then
         perform pg_advisory_xact_lock(1128352082, hashtext('__SCHEMA__.cairn_log'));
       end if;
       return not exists (select 1 from unnest(streams, heads) as s(name, head)
                           where coalesce((select l.revision from "__SCHEMA__".cairn_log l where l.stream = s.name
                                            order by l.revision desc limit 1), -1) <> s.head)
          and not exists (select 1 from unnest(ids) as i(id)
                            cross join lateral (select 1 from "__SCHEMA__".cairn_log l where l.id = decode(i.id, 'hex') limit 1) taken);
     end $fn$;

create or replace function "__SCHEMA__".cairn_log_lock(streams text[]) returns void language plpgsql volatile as $fn$
     declare bucket int;
     begin
       for bucket in select distinct abs(hashtext(s) % 256) from unnest(streams) s order by 1 loop
         perform pg_advisory_xact_lock(1128352083, bucket);
       end loop;
       perform pg_advisory_xact_lock(1128352082, hashtext('__SCHEMA__.cairn_log'));
     end $fn$;

create or replace function "__SCHEMA__".cairn_log_append(ids text[], streams text[], revisions bigint[], types text[], datas text[],
       metadatas text[], expect_streams text[], expect_heads bigint[]) returns table (event_id text, event_position bigint)
     language plpgsql volatile as $fn$
     declare bucket int;
     begin
       for bucket in select distinct abs(hashtext(s) % 256) from unnest(expect_streams) s order by 1 loop
         perform pg_advisory_xact_lock(1128352083, bucket);
       end loop;
       -- Taken inside the block: no interrupt can land between taking it and the handlers that
       -- let it go (pg_advisory_unlock of a lock not held only warns).
       begin
         perform pg_advisory_lock(1128352082, hashtext('__SCHEMA__.cairn_log'));
         perform set_config('cairn.ordered', 'session', true);
         if "__SCHEMA__".cairn_log_expect(expect_streams, expect_heads, ids) then
           return query insert into "__SCHEMA__".cairn_log as l (id, stream, revision, type, data, metadata)
             select decode(r.id, 'hex'), r.stream, r.revision, r.type, r.data, r.metadata
               from unnest(ids, streams, revisions, types, datas, metadatas) with ordinality as r(id, stream, revision, type, data, metadata, n)
              order by r.n
             returning encode(l.id, 'hex'), l.position;
         end if;
         perform set_config('cairn.ordered', '', true);
         perform pg_advisory_unlock(1128352082, hashtext('__SCHEMA__.cairn_log'));
       exception
         when query_canceled then
           perform pg_advisory_unlock(1128352082, hashtext('__SCHEMA__.cairn_log'));
           raise;
         when others then
           perform pg_advisory_unlock(1128352082, hashtext('__SCHEMA__.cairn_log'));
           raise;
       end;
     end $fn$;

create or replace function "__SCHEMA__".cairn_log_notify() returns trigger language plpgsql as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') <> 'session' then
         perform pg_notify(tg_table_schema || '.cairn_log', '');
       end if;
       return null;
     end $fn$;

create or replace trigger cairn_log_notify after insert on "__SCHEMA__".cairn_log
       for each statement execute function "__SCHEMA__".cairn_log_notify();

comment on table "__SCHEMA__".cairn_log is 'cairn log schema f69e0c0f2f907b94';
