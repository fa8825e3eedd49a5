{# grain: one row per printed table line × row identity (合计 = Σ its columns).
   inputs: int_budget_cells_classified, row_identities seed. A blank cell is zero.
   rules: an identity runs on the phases its seed row names: 支出决算表 and 一般公共预算
   支出决算表 add up as their 预算 tables do (合计 = 基本 + 项目 …); a 收入决算表's
   本年收入合计 is the sum of its sources (it has no 上年结转 column); the 决算 总表
   balances are int_checks__summary_tables'. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    where {{ rebuilt_here() }}
),

identities as (
    select
        row_number() over (order by rule_id, table_code, side, total_measure) as identity_no,
        rule_id,
        table_code,
        side,
        total_measure,
        string_split(component_measures, '|') as components,
        string_split(phases, '|') as phases
    from {{ ref('row_identities') }}
),

-- A total column the table does not print cannot be checked: tables read by
-- their header labels print only some of the template's columns. Nor can a table that
-- prints none of its components: a 三公 table printed by item columns (因公出国 | 公务用车 |
-- 接待) has a 合计 but no funding-source columns. Decided once per table, not per cell: a
-- join on list_contains runs as a nested loop (115 CPU-s at 1,000 documents).
printed as (
    select document_id, table_seq, any_value(table_code) as table_code, list(distinct measure) as measures
    from cells
    group by document_id, table_seq
),

checkable as (
    select p.document_id, p.table_seq, i.identity_no
    from printed as p
    inner join identities as i
        on i.table_code = p.table_code
        and list_contains(p.measures, i.total_measure)
        and list_has_any(p.measures, i.components)
),

final as (
    select
        i.rule_id,
        c.document_id,
        c.table_seq,
        c.table_code,
        c.scope,
        c.unit_code,
        c.side,
        c.row_seq,
        any_value(c.line_label) as line_label,
        any_value(c.subject_key) as subject_key,
        i.total_measure as measure,
        any_value(c.amount_unit) as amount_unit,
        coalesce(sum(c.amount_wan) filter (where c.measure = i.total_measure), 0) as lhs,
        coalesce(sum(c.amount_wan) filter (where list_contains(i.components, c.measure)), 0) as rhs,
        count(*) filter (where list_contains(i.components, c.measure)) + 1 as n_terms,
        min(c.source_line) as source_line,
        -- list_sort over (column, text) instead of string_agg(… order by): an ordered
        -- aggregate buffers every group's rows apart (issue 10: out of memory at 10,000)
        'printed columns: ' || array_to_string(list_transform(
            list_sort(list({'column_no': c.column_no, 'text': c.measure || '=' || c.amount_text})
                filter (where c.amount_text is not null and c.measure is not null)),
            x -> x.text), ', ') as detail,
        cast(null as varchar) as missing_input
    from cells as c
    inner join identities as i
        on i.table_code = c.table_code
        and (i.side is null or i.side = c.side)
        and list_contains(i.phases, coalesce(c.phase, 'budget'))
    inner join checkable as k
        on k.document_id = c.document_id
        and k.table_seq = c.table_seq
        and k.identity_no = i.identity_no
    where c.measure = i.total_measure or list_contains(i.components, c.measure)
    group by i.rule_id, i.total_measure, c.document_id, c.table_seq, c.table_code, c.scope, c.unit_code, c.side, c.row_seq
)

{{ rule_check_rows('final') }}
