{# grain: one row per department × year × subject that the 预算 or the 决算 of a loaded pair
   prints in its 一般公共预算(财政拨款)支出表: the budget (the 预算's line), the final amount (the
   决算's line), the execution rate, and the 年初预算 the 决算 states for the subject, if it does.
   Only pairs whose two documents are published (dim_document.is_published).
   inputs: int_budget_final_pairs, int_budget_cells_classified, int_execution_statements,
   dim_document, dim_subject. #}
with pairs as (
    select p.*
    from {{ ref('int_budget_final_pairs') }} as p
    inner join {{ ref('dim_document') }} as b on b.document_id = p.budget_document_id and b.is_published
    inner join {{ ref('dim_document') }} as f on f.document_id = p.final_document_id and f.is_published
),

lines as (
    select
        c.document_id, c.subject_key, any_value(c.file_name) as file_name, sum(c.amount_wan) as amount_wan,
        min(c.source_line) as source_line, min(c.source_page) as source_page
    from {{ ref('int_budget_cells_classified') }} as c
    where c.table_code = 'gpb_expense' and c.measure in ('total', 'amount') and c.scope = 'department'
    group by all
),

budget as (
    select distinct p.region_key, p.department, p.department_name, p.fiscal_year, l.*
    from pairs as p
    inner join lines as l on l.document_id = p.budget_document_id
),

final_lines as (
    select distinct p.region_key, p.department, p.department_name, p.fiscal_year, l.*
    from pairs as p
    inner join lines as l on l.document_id = p.final_document_id
),

stated as (
    select p.region_key, p.department, p.fiscal_year, s.subject_key, any_value(s.budget_initial_wan) as amount_wan
    from {{ ref('int_execution_statements') }} as s
    inner join (select distinct final_document_id, region_key, department, fiscal_year from pairs) as p
        on p.final_document_id = s.document_id
    where s.subject_key is not null and s.budget_initial_wan is not null
    group by all
),

joined as (
    select
        coalesce(b.region_key, f.region_key) as region_key,
        coalesce(b.department, f.department) as department,
        coalesce(b.department_name, f.department_name) as department_name,
        coalesce(b.fiscal_year, f.fiscal_year) as fiscal_year,
        coalesce(b.subject_key, f.subject_key) as subject_key,
        b.amount_wan as budget_wan,
        f.amount_wan as final_wan,
        b.document_id as budget_document_id,
        b.file_name as budget_file_name,
        b.source_line as budget_source_line,
        b.source_page as budget_source_page,
        f.document_id as final_document_id,
        f.file_name as final_file_name,
        f.source_line as final_source_line,
        f.source_page as final_source_page
    from budget as b
    full outer join final_lines as f
        on f.region_key is not distinct from b.region_key and f.department = b.department
        and f.fiscal_year = b.fiscal_year and f.subject_key = b.subject_key
),

final as (
    select
        j.region_key,
        j.department_name,
        j.fiscal_year,
        j.subject_key,
        s.code as subject_code,
        s.name as subject_name,
        j.budget_wan,
        j.final_wan,
        cast(j.final_wan * 100 / nullif(j.budget_wan, 0) as decimal(9, 2)) as execution_rate,
        st.amount_wan as stated_budget_initial_wan,
        j.budget_document_id,
        j.budget_file_name,
        j.budget_source_line,
        j.budget_source_page,
        j.final_document_id,
        j.final_file_name,
        j.final_source_line,
        j.final_source_page
    from joined as j
    left join {{ ref('dim_subject') }} as s using (subject_key)
    left join stated as st
        on st.region_key is not distinct from j.region_key and st.department = j.department
        and st.fiscal_year = j.fiscal_year and st.subject_key = j.subject_key
)

select * from final
