{# grain: one row per disclosure × fund scope × figure × classification × 类 (class): each
   class's share of the sum of the classes the disclosure prints, e.g. 科学技术支出 as a
   share of all-funds expense, or 工资福利支出 as a share of basic expense.
   input: fct_budget_figure.
   rules: shares are of the sum of the printed classes, so they add up to 100 (± rounding)
   whether or not the document prints a total row; the printed total is compared with that
   sum by the rules (fct_rule_check), not here. #}
with classes as (
    select * from {{ ref('fct_budget_figure') }}
    where subject_level = '类'
),

final as (
    select
        figure_id,
        disclosure_key,
        region_key,
        department_name,
        fiscal_year,
        phase,
        fund_scope,
        figure,
        subject_classification,
        subject_key,
        subject_code,
        subject_name,
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
