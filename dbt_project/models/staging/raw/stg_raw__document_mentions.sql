{# grain: one row per thing a document prints about itself (a heading's year, an as-of
   date, a placeholder name, a 目录 entry) · input: raw.document_mention #}
with source as (
    select * from {{ source('raw', 'document_mention') }}
),

final as (
    select
        document_id,
        mention_seq,
        kind as mention_kind,
        value as mention_value,
        text as printed_text,
        source_line,
        source_page
    from source
)

select * from final
