{# grain: one row per disclosure × fund scope × figure × classification × 类 (class), at the
   level of the department: the class's amount, the sum of the disclosure's printed classes and
   the share. fct_figure_composition adds the names.
   input: int_budget_figures (department figures, as fct_budget_figure).
   incremental: the rows of the disclosures int_document_changes lists are replaced; a share
   reads only its own disclosure's figures, and only keys and amounts are stored here. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('disclosure_key') }}") }}
with classes as (
    select figure_id, disclosure_key, fund_scope, figure, subject_classification, subject_key, amount_wan
    from {{ ref('int_budget_figures') }}
    where unit_kind = 'department'
        and subject_level = '类'
        and disclosure_key in {{ rebuilt('disclosure_key') }}
),

final as (
    select
        figure_id,
        disclosure_key,
        fund_scope,
        figure,
        subject_classification,
        subject_key,
        amount_wan,
        sum(amount_wan) over w as classes_total_wan,
        case
            when sum(amount_wan) over w != 0
                then cast(round(amount_wan * 100 / sum(amount_wan) over w, 2) as decimal(7, 2))
        end as share_pct
    from classes
    window w as (partition by disclosure_key, fund_scope, figure, subject_classification)
)

select * from final
