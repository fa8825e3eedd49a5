{# grain: one row per execution statement of a 决算 whose 预算 is loaded too:
   - final_states_budget_document: the 年初预算 the 决算 states for a subject (年初预算为A万元)
     = the 预算's own figure for it, its 一般公共预算(财政拨款)支出表 line. A subject the
     statement's names do not resolve, or a line the 预算 does not print, is skipped naming it.
   No row when no 预算 of the department and year is loaded: there is nothing to compare.
   inputs: int_execution_statements, int_budget_final_pairs, int_budget_cells_classified. #}
with statements as (
    select * from {{ ref('int_execution_statements') }}
    where budget_initial_wan is not null
),

pairs as (
    select * from {{ ref('int_budget_final_pairs') }}
),

budget_lines as (
    select
        c.document_id, c.subject_key, sum(c.amount_wan) as amount_wan, min(c.source_line) as source_line,
        min(c.source_page) as source_page
    from {{ ref('int_budget_cells_classified') }} as c
    where c.table_code = 'gpb_expense' and c.measure in ('total', 'amount') and c.scope = 'department'
        and {{ rebuilt_here('c') }}
    group by all
),

files as (
    select document_id, file_name from {{ ref('stg_raw__source_documents') }}
),

compared as (
    select
        s.*,
        p.budget_document_id,
        b.amount_wan as budget_amount_wan,
        b.source_line as budget_line,
        b.source_page as budget_page
    from statements as s
    inner join pairs as p on p.final_document_id = s.document_id
    left join budget_lines as b on b.document_id = p.budget_document_id and b.subject_key = s.subject_key
    -- the 预算's tables file, not its narrative file
    qualify row_number() over (
        partition by s.document_id, s.figure_seq order by b.amount_wan is null, p.budget_document_id
    ) = 1
),

final as (
    select
        'final_states_budget_document' as rule_id, c.document_id, cast(null as integer) as table_seq,
        'gpb_expense' as table_code, 'department' as scope, cast(null as varchar) as unit_code,
        cast(null as varchar) as side, c.figure_seq as row_seq, c.label || ': ' || c.sentence as line_label,
        c.subject_key, 'budget_initial' as measure, '万元' as amount_unit,
        c.budget_initial_wan as lhs, c.budget_amount_wan as rhs, 2 as n_terms, c.source_line,
        case when c.budget_amount_wan is not null then
            'the 预算 ' || f.file_name || ', line ' || c.budget_line
            || coalesce(' (page ' || c.budget_page || ')', '')
        end as detail,
        case
            when c.subject_key is null then 'the subject ' || c.label || ' is not resolved to a table line'
            when c.budget_amount_wan is null then 'the 预算 prints no line ' || c.subject_key
        end as missing_input
    from compared as c
    left join files as f on f.document_id = c.budget_document_id
)

{{ rule_check_rows('final') }}
