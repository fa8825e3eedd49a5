{# grain: one row per fiscal year present in documents or figures. #}
with years as (
    select fiscal_year from {{ ref('stg_raw__source_documents') }} where fiscal_year is not null
    union
    select fiscal_year from {{ ref('int_budget_lines') }} where fiscal_year is not null
),

final as (
    select
        fiscal_year,
        fiscal_year::varchar || '年' as fiscal_year_label,
        make_date(fiscal_year, 1, 1) as year_start,
        make_date(fiscal_year, 12, 31) as year_end
    from years
)

select * from final
