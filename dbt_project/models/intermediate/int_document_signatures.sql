{# grain: one row per source document version (loaded or quarantined), as this build sees it.
   inputs: stg documents, stg acceptances, int_disclosures.
   rules: the signature covers every column the loader and the file inventory keep about a
   document (its load, its path, its file's modification time, removal) and its acceptance,
   all but when a run last saw it; it changes whenever what is built from the document could.
   match_keys relate a document to the documents whose rows depend on it: its publisher
   (region and department code, else name: disclosures, versions, 预算/决算 pairs and
   year-on-year all stay within one) and its path (a file re-issued in place). #}
with documents as (
    select * exclude (last_seen_at) from {{ ref('stg_raw__source_documents') }}
),

acceptances as (
    select * from {{ ref('stg_raw__document_acceptances') }}
),

disclosures as (
    select document_id, disclosure_key from {{ ref('int_disclosures') }}
),

final as (
    select
        d.document_id,
        ds.disclosure_key,
        [
            case
                when coalesce(d.department_code, d.department_name) is not null
                    then 'publisher|' || d.region_key || '|' || coalesce(d.department_code, d.department_name)
                else 'document|' || d.document_id
            end,
            'path|' || d.source_path
        ] as match_keys,
        md5(to_json(d)::varchar || coalesce(to_json(a)::varchar, '')) as signature
    from documents as d
    left join acceptances as a using (document_id)
    left join disclosures as ds using (document_id)
)

select * from final
