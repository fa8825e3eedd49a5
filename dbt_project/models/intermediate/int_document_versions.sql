{# grain: one row per loaded document: whether it is the latest of what it is.
   inputs: stg documents, tables and findings, acceptances, int_disclosures.
   rules:
   - complete unless the reader found the file cut short (`file_cut_short`), or accepted;
   - a newer complete document replaces an older one that is the same file (same path,
     other bytes: re-uploaded in place) or the same part of the same disclosure under
     another name (a corrected re-issue: every table of the older one is among the
     newer one's, or neither prints tables). An incomplete upload replaces nothing, so
     the good version it would have overwritten stays published;
   - newer means a later file modification time, then a later first load, then name;
   - a removed document (neither its bytes nor its path are in the raw folder) is not
     the latest. Replaced and removed documents stay in the warehouse as history. #}
with documents as (
    select * from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

disclosures as (
    select document_id, disclosure_key, is_identified from {{ ref('int_disclosures') }}
),

tables as (
    select document_id, list(distinct table_code order by table_code) as table_codes
    from {{ ref('stg_raw__budget_tables') }}
    group by document_id
),

cut_short as (
    select distinct document_id from {{ ref('stg_raw__parse_findings') }}
    where finding_kind = 'file_cut_short'
),

acceptances as (
    select document_id from {{ ref('stg_raw__document_acceptances') }}
),

versions as (
    select
        d.document_id,
        d.source_path,
        ds.disclosure_key,
        ds.is_identified,
        d.removed_at,
        coalesce(t.table_codes, []) as table_codes,
        c.document_id is null or a.document_id is not null as is_complete,
        row_number() over (
            order by d.file_modified_at nulls first, d.ingested_at, d.file_name, d.document_id
        ) as version_order
    from documents as d
    inner join disclosures as ds using (document_id)
    left join tables as t using (document_id)
    left join cut_short as c using (document_id)
    left join acceptances as a using (document_id)
),

candidates as (
    -- two equality joins instead of one on an inequality and OR-ed conditions, which ran as
    -- a merge join over all pairs of documents (quadratic: issue 10, 100,000 documents)
    select old.document_id as old_id, new.document_id as new_id
    from versions as old
    inner join versions as new on new.source_path = old.source_path
    union
    select old.document_id, new.document_id
    from versions as old
    inner join versions as new on new.disclosure_key = old.disclosure_key
    where old.is_identified
        and (
            (len(old.table_codes) > 0 and list_has_all(new.table_codes, old.table_codes))
            or (len(old.table_codes) = 0 and len(new.table_codes) = 0)
        )
),

replacements as (
    select
        old.document_id,
        new.document_id as superseded_by,
        case when new.source_path = old.source_path then 'same_file' else 'reissued' end as superseded_as
    from candidates as c
    inner join versions as old on old.document_id = c.old_id
    inner join versions as new on new.document_id = c.new_id
    where new.version_order > old.version_order
        and new.is_complete
        and new.removed_at is null
    qualify row_number() over (partition by old.document_id order by new.version_order desc) = 1
),

final as (
    select
        v.document_id,
        v.disclosure_key,
        v.version_order,
        v.is_complete,
        r.superseded_by,
        r.superseded_as,
        v.removed_at,
        r.superseded_by is null and v.removed_at is null as is_latest
    from versions as v
    left join replacements as r using (document_id)
)

select * from final
