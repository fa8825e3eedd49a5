{# grain: one row per disclosure × fund scope × figure × classification × 类 (class): each
   class's share of the sum of the classes the disclosure prints, e.g. 科学技术支出 as a
   share of all-funds expense, or 工资福利支出 as a share of basic expense.
   inputs: int_figure_composition (amounts and shares, stored per disclosure), fct_budget_figure
   (the names, as the dimensions give them now).
   rules: shares are of the sum of the printed classes, so they add up to 100 (± rounding)
   whether or not the document prints a total row; the printed total is compared with that
   sum by the rules (fct_rule_check), not here. #}
{{ config(materialized='view') }}
with shares as (
    select * from {{ ref('int_figure_composition') }}
),

-- joined on the figure's natural key (a department figure's grain), not on figure_id: that is
-- an md5 computed where read (macros/fact_id.sql), and the join computed it for every figure
-- of every disclosure to name a few (0.9 of 1.2 s a read at 10,000 documents, and a build's
-- tests read this view for the disclosures it rebuilt)
figures as (
    select disclosure_key, subject_key, fund_scope, figure, region_key, department_name, fiscal_year, phase,
        subject_code, subject_name
    from {{ ref('fct_budget_figure') }}
),

final as (
    select
        s.figure_id,
        s.disclosure_key,
        f.region_key,
        f.department_name,
        f.fiscal_year,
        f.phase,
        s.fund_scope,
        s.figure,
        s.subject_classification,
        s.subject_key,
        f.subject_code,
        f.subject_name,
        s.amount_wan,
        s.classes_total_wan,
        s.share_pct
    from shares as s
    inner join figures as f using (disclosure_key, subject_key, fund_scope, figure)
)

select * from final
