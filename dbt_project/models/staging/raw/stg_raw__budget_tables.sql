{# grain: one row per recognised table · input: raw.budget_table #}
with source as (
    select * from {{ source('raw', 'budget_table') }}
),

final as (
    select
        document_id,
        table_seq,
        table_code,
        table_title,
        scope,
        scope_source,
        unit_code,
        unit_name,
        fiscal_year,
        amount_unit,
        note,
        row_count,
        source_line_start,
        source_line_end,
        phase,
        source_page,
        recognition
    from source
)

select * from final
