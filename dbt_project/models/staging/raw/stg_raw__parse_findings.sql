{# grain: one row per parse finding (something read that did not become facts)
   input: raw.parse_finding #}
with source as (
    select * from {{ source('raw', 'parse_finding') }}
),

final as (
    select
        document_id,
        finding_seq,
        kind as finding_kind,
        source_page,
        source_line,
        reason,
        text as printed_text
    from source
)

select * from final
