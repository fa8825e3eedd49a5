{# grain: one row per document × scope × unit × cross-table identity (one table's
   total = another's), plus 收支总表 class rows = 支出总表 类 rows and department
   cells = Σ unit cells. inputs: int_budget_cells_classified, cross_identities seed.
   An identity whose table is not printed is `skipped`, naming the missing table.
   Identities hold per phase (cross_identities.phases); a 决算 links its tables differently.
   unit_code is null where a document names no unit code: joins treat null as a value. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    where {{ rebuilt_here() }}
),

printed_tables as (
    select distinct t.document_id, t.table_code, t.scope, t.unit_code, t.amount_unit,
        coalesce(t.phase, d.phase) as phase
    from {{ ref('stg_raw__budget_tables') }} as t
    inner join {{ ref('stg_raw__source_documents') }} as d using (document_id)
    where d.load_status = 'loaded'
),

identities as (
    select
        *,
        string_split(lhs_subject, '|') as lhs_subjects,
        -- a rule may have a row per phase or template: its rows are keyed apart
        row_number() over (order by rule_id, lhs_table, lhs_subject, rhs_table, rhs_subject, phases) as identity_no
    from {{ ref('cross_identities') }}
),

scopes as (
    select distinct document_id, scope, unit_code, phase from printed_tables
),

-- A subject table printing one amount column (江苏's 金额, a 决算's 决算数) prints its total there.
value_of as (
    select document_id, scope, unit_code, table_code, side, subject_key,
        case when shape = 'subject' and measure = 'amount' then 'total' else measure end as measure,
        sum(amount_wan) as amount, min(source_line) as source_line
    from cells
    group by all
),

-- Each identity in each scope its phase has, and the values of its two sides. The side
-- and subject-list conditions are filters after joins on equalities: in one join with OR-ed
-- and list conditions DuckDB ran the whole join as a nested loop (31 CPU-s at 1,000 documents).
scoped_identities as (
    select s.document_id, s.scope, s.unit_code, i.*
    from scopes as s
    inner join identities as i
        on list_contains(string_split(i.phases, '|'), s.phase)
),

-- Both sides of every identity in long form (one row per side and subject), summed in one
-- pass: a side's subjects add up (lhs_subject may list several, 'a|b').
identity_sides as (
    select distinct
        identity_no, 'lhs' as identity_side, lhs_table as table_code, unnest(lhs_subjects) as subject_key,
        lhs_measure as measure, lhs_side as printed_side
    from identities
    union all
    select identity_no, 'rhs', rhs_table, rhs_subject, rhs_measure, rhs_side
    from identities
),

side_values as (
    select
        si.document_id, si.scope, si.unit_code, si.identity_no, s.identity_side,
        sum(v.amount) as amount, min(v.source_line) as source_line
    from scoped_identities as si
    inner join identity_sides as s using (identity_no)
    inner join value_of as v
        on v.document_id = si.document_id and v.scope = si.scope and v.unit_code is not distinct from si.unit_code
        and v.table_code = s.table_code and v.subject_key = s.subject_key and v.measure = s.measure
    where s.printed_side is null or v.side = s.printed_side
    group by all
),

pairwise as (
    select
        i.rule_id,
        i.document_id,
        cast(null as integer) as table_seq,
        i.lhs_table || ' ~ ' || i.rhs_table as table_code,
        i.scope,
        i.unit_code,
        cast(null as varchar) as side,
        0 as row_seq,
        i.lhs_subject || '/' || i.lhs_measure || ' = ' || i.rhs_subject || '/' || i.rhs_measure as line_label,
        i.lhs_subjects[1] as subject_key,
        i.lhs_measure as measure,
        coalesce(lt.amount_unit, rt.amount_unit) as amount_unit,
        case when lt.table_code is not null and rt.table_code is not null then coalesce(lv.amount, 0) end as lhs,
        case when lt.table_code is not null and rt.table_code is not null then coalesce(rv.amount, 0) end as rhs,
        len(i.lhs_subjects) + 1 as n_terms,
        coalesce(lv.source_line, rv.source_line) as source_line,
        cast(null as varchar) as detail,
        case
            when lt.table_code is null and rt.table_code is null then i.lhs_table || ', ' || i.rhs_table || ' not printed'
            when lt.table_code is null then i.lhs_table || ' not printed'
            when rt.table_code is null then i.rhs_table || ' not printed'
            -- 江苏's 收入预算总表 lists sources with no 合计 line: nothing to compare
            when lv.amount is null and rv.amount is null then i.lhs_subject || ', ' || i.rhs_subject || ' not printed'
            when lv.amount is null then i.lhs_subject || ' not printed in ' || i.lhs_table
            when rv.amount is null then i.rhs_subject || ' not printed in ' || i.rhs_table
        end as missing_input
    from scoped_identities as i
    left join printed_tables as lt
        on lt.document_id = i.document_id and lt.scope = i.scope and lt.unit_code is not distinct from i.unit_code
        and lt.table_code = i.lhs_table
    left join printed_tables as rt
        on rt.document_id = i.document_id and rt.scope = i.scope and rt.unit_code is not distinct from i.unit_code
        and rt.table_code = i.rhs_table
    left join side_values as lv
        on lv.document_id = i.document_id and lv.scope = i.scope and lv.unit_code is not distinct from i.unit_code
        and lv.identity_no = i.identity_no and lv.identity_side = 'lhs'
    left join side_values as rv
        on rv.document_id = i.document_id and rv.scope = i.scope and rv.unit_code is not distinct from i.unit_code
        and rv.identity_no = i.identity_no and rv.identity_side = 'rhs'
),

summary_classes as (
    select document_id, scope, unit_code, subject_key, amount, source_line
    from value_of
    where table_code = 'income_expense_summary' and side = 'expense' and subject_key like 'function:%'
),

expense_classes as (
    select document_id, scope, unit_code, subject_key, amount, source_line
    from value_of
    where table_code = 'expense_summary' and measure = 'total' and subject_key like 'function:___'
),

-- Compared only where both tables print classes: 江苏's 支出预算总表 is one line of
-- 基本/项目 columns with no class lines, which is a different table, not missing rows.
both_print_classes as (
    select document_id, scope, unit_code from summary_classes
    intersect
    select document_id, scope, unit_code from expense_classes
),

class_keys as (
    select c.document_id, c.scope, c.unit_code, c.subject_key
    from (
        select document_id, scope, unit_code, subject_key from summary_classes
        union
        select document_id, scope, unit_code, subject_key from expense_classes
    ) as c
    inner join both_print_classes as b
        on b.document_id = c.document_id and b.scope = c.scope and b.unit_code is not distinct from c.unit_code
),

function_classes as (
    select
        'cross_function_classes' as rule_id,
        k.document_id,
        cast(null as integer) as table_seq,
        'income_expense_summary ~ expense_summary' as table_code,
        k.scope,
        k.unit_code,
        'expense' as side,
        0 as row_seq,
        k.subject_key as line_label,
        k.subject_key,
        'total' as measure,
        p1.amount_unit,
        coalesce(a.amount, 0) as lhs,
        coalesce(b.amount, 0) as rhs,
        2 as n_terms,
        coalesce(a.source_line, b.source_line) as source_line,
        cast(null as varchar) as detail,
        cast(null as varchar) as missing_input
    from class_keys as k
    inner join printed_tables as p1
        on p1.document_id = k.document_id and p1.scope = k.scope and p1.unit_code is not distinct from k.unit_code
        and p1.table_code = 'income_expense_summary'
    inner join printed_tables as p2
        on p2.document_id = k.document_id and p2.scope = k.scope and p2.unit_code is not distinct from k.unit_code
        and p2.table_code = 'expense_summary'
    left join summary_classes as a
        on a.document_id = k.document_id and a.scope = k.scope and a.unit_code is not distinct from k.unit_code
        and a.subject_key = k.subject_key
    left join expense_classes as b
        on b.document_id = k.document_id and b.scope = k.scope and b.unit_code is not distinct from k.unit_code
        and b.subject_key = k.subject_key
),

-- Compared both ways: a line only the units print (the department's is missing)
-- fails as surely as one only the department prints.
department_cells as (
    select * from cells
    where scope = 'department'
        and (document_id, table_code) in (select (document_id, table_code) from cells where scope = 'unit')
),

unit_sums as (
    select
        document_id, table_code, side, subject_key, measure,
        sum(amount_wan) as amount, count(*) as n, count(distinct unit_code) as n_units,
        any_value(line_label) as line_label, min(source_line) as source_line
    from cells
    where scope = 'unit'
        and (document_id, table_code) in (select (document_id, table_code) from cells where scope = 'department')
    group by all
),

departments_and_units as (
    select
        'cross_department_units' as rule_id,
        coalesce(d.document_id, u.document_id) as document_id,
        d.table_seq,
        coalesce(d.table_code, u.table_code) as table_code,
        'department' as scope,
        d.unit_code,
        coalesce(d.side, u.side) as side,
        coalesce(d.row_seq, 0) as row_seq,
        coalesce(d.line_label, u.line_label) as line_label,
        coalesce(d.subject_key, u.subject_key) as subject_key,
        coalesce(d.measure, u.measure) as measure,
        d.amount_unit,
        coalesce(d.amount_wan, 0) as lhs,
        coalesce(u.amount, 0) as rhs,
        coalesce(u.n, 0) + 1 as n_terms,
        coalesce(d.source_line, u.source_line) as source_line,
        case
            when d.document_id is null then 'printed by the units only'
            else 'unit tables: ' || coalesce(u.n_units, 0)
        end as detail,
        cast(null as varchar) as missing_input
    from department_cells as d
    full outer join unit_sums as u
        on u.document_id = d.document_id and u.table_code = d.table_code
        and u.subject_key = d.subject_key and u.measure = d.measure
        and coalesce(u.side, '') = coalesce(d.side, '')
),

final as (
    select * from pairwise
    union all
    select * from function_classes
    union all
    select * from departments_and_units
)

{{ rule_check_rows('final') }}
