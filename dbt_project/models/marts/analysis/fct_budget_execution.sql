{# grain: one row per subject a published 决算 states its execution for: the 年初 and 全年
   (adjusted) budget it prints, the 决算 amount, the rates computed from them and the rate and
   direction it states, with the subject resolved to the classification where its names match
   its 一般公共预算财政拨款支出决算表.
   inputs: int_execution_statements, dim_document. Budget against final across two loaded
   documents (a 预算 and its 决算) is fct_budget_vs_final. #}
with statements as (
    select * from {{ ref('int_execution_statements') }}
),

documents as (
    select document_id, file_name, fiscal_year, department_name, department_unit_key, region_key
    from {{ ref('dim_document') }}
    where is_published
),

final as (
    select
        s.document_id,
        s.figure_seq,
        d.file_name,
        d.fiscal_year,
        d.region_key,
        d.department_name,
        d.department_unit_key as unit_key,
        s.subject_key,
        s.label as subject_label,
        s.budget_initial_wan,
        s.budget_adjusted_wan,
        s.final_amount_wan,
        cast(s.final_amount_wan * 100 / nullif(s.budget_initial_wan, 0) as decimal(9, 2)) as execution_rate_initial,
        cast(s.final_amount_wan * 100 / nullif(s.budget_adjusted_wan, 0) as decimal(9, 2)) as execution_rate_adjusted,
        s.stated_rate,
        s.stated_direction,
        s.table_amount_wan,
        s.sentence,
        s.source_line
    from statements as s
    inner join documents as d using (document_id)
)

select * from final
