{# grain: one row per parent line × column of a subject table: 类 = Σ 款,
   款 = Σ 项, 合计 = Σ 类. inputs: int_budget_cells_classified.
   A table that prints the child level at all prints it under every parent, so
   every parent is checked from then on: a 款 whose 项 went missing sums to zero
   and fails, instead of escaping the check. Blank cells are zero. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    -- 预算 and 决算 alike: a 决算 table by function or economic subject adds up by level too.
    where shape = 'subject'
        and document_id in {{ rebuilt('document_id') }}
),

lines as (
    select distinct
        document_id, table_seq, table_code, scope, unit_code, row_seq, line_label, subject_key,
        subject_classification as classification, subject_code_resolved as code, source_line, amount_unit,
        -- the line a child adds up into: 类 into 合计, 款 into its 类, 项 into its 款 (an equality
        -- to join on: a join on OR-ed conditions runs as a nested loop, 69 s at 1,000 documents)
        case
            when subject_classification not in ('function', 'economic') then null
            when length(subject_code_resolved) = 3 then 'total'
            when length(subject_code_resolved) in (5, 7) then left(subject_code_resolved, length(subject_code_resolved) - 2)
        end as parent_code
    from cells
),

depth as (
    select
        document_id, table_seq,
        bool_or(length(code) = 5) as has_segments,
        bool_or(length(code) = 7) as has_items
    from lines
    where classification in ('function', 'economic')
    group by all
),

parents as (
    select
        case
            when p.code = 'total' then 'hierarchy_total'
            when length(p.code) = 3 then 'hierarchy_class'
            else 'hierarchy_segment'
        end as rule_id,
        p.*
    from lines as p
    inner join depth as d using (document_id, table_seq)
    where (p.classification = 'balance' and p.code = 'total')
        or (p.classification in ('function', 'economic') and length(p.code) = 3 and d.has_segments)
        or (p.classification in ('function', 'economic') and length(p.code) = 5 and d.has_items)
),

pairs as (
    select
        p.rule_id,
        p.document_id, p.table_seq, p.table_code, p.scope, p.unit_code, p.amount_unit,
        p.row_seq, p.line_label, p.subject_key, p.source_line,
        c.row_seq as child_row,
        c.subject_key as child_subject
    from parents as p
    left join lines as c
        on c.document_id = p.document_id
        and c.table_seq = p.table_seq
        and c.parent_code = p.code
),

measures as (
    select distinct document_id, table_seq, measure from cells
),

-- A line's amounts are its row's cells of its subject: some 决算 基本支出表 print two
-- blocks of subjects side by side (人员经费 | 公用经费), two lines on one printed row.
amounts as (
    select document_id, table_seq, row_seq, subject_key, measure, amount_wan, amount_text from cells
),

final as (
    select
        pr.rule_id,
        pr.document_id,
        pr.table_seq,
        pr.table_code,
        pr.scope,
        pr.unit_code,
        cast(null as varchar) as side,
        pr.row_seq,
        pr.line_label,
        pr.subject_key,
        m.measure,
        pr.amount_unit,
        coalesce(any_value(pa.amount_wan), 0) as lhs,
        coalesce(sum(ca.amount_wan), 0) as rhs,
        count(ca.amount_wan) + 1 as n_terms,
        pr.source_line,
        -- list_sort instead of string_agg(… order by): an ordered aggregate buffers every
        -- group's rows apart, 8 GB at 10,000 documents against 2 GB (issue 10)
        'children printed: ' || count(ca.amount_wan)
            || coalesce(' (rows ' || array_to_string(
                list_sort(list(ca.row_seq) filter (where ca.row_seq is not null)), ', ') || ')', '') as detail,
        cast(null as varchar) as missing_input
    from pairs as pr
    inner join measures as m
        on m.document_id = pr.document_id and m.table_seq = pr.table_seq
    left join amounts as pa
        on pa.document_id = pr.document_id and pa.table_seq = pr.table_seq
        and pa.row_seq = pr.row_seq and pa.subject_key = pr.subject_key and pa.measure = m.measure
    left join amounts as ca
        on ca.document_id = pr.document_id and ca.table_seq = pr.table_seq
        and ca.row_seq = pr.child_row and ca.subject_key = pr.child_subject and ca.measure = m.measure
    group by all
    having any_value(pa.amount_wan) is not null or count(ca.amount_wan) > 0
)

{{ rule_check_rows('final') }}
