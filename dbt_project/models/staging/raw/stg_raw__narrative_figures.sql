{# grain: one row per stated figure · input: raw.narrative_figure
   Converts to 万元 with `to_wan_yuan`; an unknown unit stays null. #}
with source as (
    select * from {{ source('raw', 'narrative_figure') }}
),

final as (
    select
        document_id,
        figure_seq,
        metric,
        label,
        amount_text,
        amount as amount_printed,
        amount_unit,
        unit_basis,
        {{ to_wan_yuan('amount', 'amount_unit') }} as amount_wan,
        fiscal_year as stated_year,
        percent,
        sentence,
        source_line,
        source_kind
    from source
)

select * from final
