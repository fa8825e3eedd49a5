{# grain: one row per file the last run saw under the raw folder, read or not.
   inputs: stg file inventory, dim_document.
   rules: a file is a document, a copy of one (same bytes, read once under the first
   name), an archive of documents, or skipped/refused with the reason; a document's
   load and validation status come from dim_document. #}
with files as (
    select * from {{ ref('stg_raw__file_inventory') }}
),

documents as (
    select document_id, load_status, validation_status, is_published, is_latest, load_error
    from {{ ref('dim_document') }}
),

final as (
    select
        f.path,
        f.byte_size,
        f.modified_at,
        f.file_status,
        f.document_id,
        f.duplicate_of,
        d.load_status,
        d.validation_status,
        coalesce(d.is_published, false) as is_published,
        coalesce(f.reason, d.load_error) as reason,
        f.seen_at
    from files as f
    left join documents as d using (document_id)
)

select * from final
