{# grain: one row per summary table (收支总表, 财政拨款收支总表) × identity × column.
   inputs: int_budget_cells_classified. Blank cells in a printed table are zero.
   The expense side of 财政拨款收支总表 has several columns; each is checked. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    -- These identities are the 预算 tables'; 决算 tables balance differently
    -- (年初结转和结余, 结余分配, 使用非财政拨款结余) and get rules of their own.
    where shape = 'two_sided'
        and phase is distinct from 'final'
        -- Summary rows of layout-read tables (当年收入小计, 收入合计, 一、财政拨款) are
        -- not mapped onto these balance lines yet; checking them would give false fails.
        and recognition = 'numbered_columns'
),

tables as (
    select distinct document_id, table_seq, table_code, scope, unit_code, amount_unit
    from cells
),

expense_measures as (
    select distinct document_id, table_seq, measure from cells where side = 'expense'
),

income as (
    select
        document_id, table_seq,
        coalesce(sum(amount_wan) filter (where subject_key = 'balance:income_grand_total'), 0) as grand_total,
        coalesce(sum(amount_wan) filter (where subject_key = 'balance:income_current_total'), 0) as current_total,
        coalesce(sum(amount_wan) filter (where subject_key = 'balance:carryover_in'), 0) as carryover,
        coalesce(sum(amount_wan) filter (where subject_classification = 'revenue'), 0) as sources,
        count(*) filter (where subject_classification = 'revenue') as n_sources,
        coalesce(sum(amount_wan) filter (where subject_key like 'balance:carryover_in_%'), 0) as carryover_parts,
        count(*) filter (where subject_key like 'balance:carryover_in_%') as n_carryover_parts,
        min(source_line) filter (where subject_key = 'balance:income_grand_total') as grand_line,
        min(source_line) filter (where subject_key = 'balance:income_current_total') as current_line,
        min(source_line) filter (where subject_key = 'balance:carryover_in') as carryover_line
    from cells
    where side = 'income'
    group by all
),

expense as (
    select
        m.document_id, m.table_seq, m.measure,
        coalesce(sum(c.amount_wan) filter (where c.subject_key = 'balance:expense_grand_total'), 0) as grand_total,
        coalesce(sum(c.amount_wan) filter (where c.subject_key = 'balance:expense_current_total'), 0) as current_total,
        coalesce(sum(c.amount_wan) filter (where c.subject_key = 'balance:carryover_out'), 0) as carryover,
        coalesce(sum(c.amount_wan) filter (where c.subject_classification = 'function'), 0) as classes,
        count(c.amount_wan) filter (where c.subject_classification = 'function') as n_classes,
        min(c.source_line) filter (where c.subject_key = 'balance:expense_grand_total') as grand_line,
        min(c.source_line) filter (where c.subject_key = 'balance:expense_current_total') as current_line
    from expense_measures as m
    left join cells as c
        on c.document_id = m.document_id and c.table_seq = m.table_seq
        and c.side = 'expense' and c.measure = m.measure
    group by all
),

-- 收入总计 is compared with the expense side's first column (预算数 / 合计).
balance as (
    select
        'summary_balance' as rule_id, t.*, 'income|expense' as side, 0 as row_seq,
        '收入总计 = 支出总计' as line_label, 'balance:income_grand_total' as subject_key, e.measure,
        i.grand_total as lhs, e.grand_total as rhs, 2 as n_terms, coalesce(i.grand_line, e.grand_line) as source_line
    from tables as t
    inner join income as i using (document_id, table_seq)
    inner join expense as e using (document_id, table_seq)
    where e.measure in ('amount', 'total')
),

income_total as (
    select
        'summary_income_total' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '本年收入合计 + 上年结转 = 收入总计' as line_label, 'balance:income_grand_total' as subject_key, 'amount' as measure,
        i.grand_total as lhs, i.current_total + i.carryover as rhs, 3 as n_terms, i.grand_line as source_line
    from tables as t
    inner join income as i using (document_id, table_seq)
),

expense_total as (
    select
        'summary_expense_total' as rule_id, t.*, 'expense' as side, 0 as row_seq,
        '本年支出合计 + 年终结转 = 支出总计' as line_label, 'balance:expense_grand_total' as subject_key, e.measure,
        e.grand_total as lhs, e.current_total + e.carryover as rhs, 3 as n_terms, e.grand_line as source_line
    from tables as t
    inner join expense as e using (document_id, table_seq)
),

income_items as (
    select
        'summary_income_items' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '本年收入合计 = Σ 收入项目' as line_label, 'balance:income_current_total' as subject_key, 'amount' as measure,
        i.current_total as lhs, i.sources as rhs, i.n_sources + 1 as n_terms, i.current_line as source_line
    from tables as t
    inner join income as i using (document_id, table_seq)
),

expense_classes as (
    select
        'summary_expense_classes' as rule_id, t.*, 'expense' as side, 0 as row_seq,
        '本年支出合计 = Σ 功能分类' as line_label, 'balance:expense_current_total' as subject_key, e.measure,
        e.current_total as lhs, e.classes as rhs, e.n_classes + 1 as n_terms, e.current_line as source_line
    from tables as t
    inner join expense as e using (document_id, table_seq)
),

carryover_items as (
    select
        'summary_carryover_items' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '年初结转和结余 = Σ 其构成' as line_label, 'balance:carryover_in' as subject_key, 'amount' as measure,
        i.carryover as lhs, i.carryover_parts as rhs, i.n_carryover_parts + 1 as n_terms, i.carryover_line as source_line
    from tables as t
    inner join income as i using (document_id, table_seq)
    where t.table_code = 'fiscal_income_expense_summary'
),

unioned as (
    select * from balance
    union all select * from income_total
    union all select * from expense_total
    union all select * from income_items
    union all select * from expense_classes
    union all select * from carryover_items
),

final as (
    select
        rule_id, document_id, table_seq, table_code, scope, unit_code, side, row_seq, line_label,
        subject_key, measure, amount_unit, lhs, rhs, n_terms, source_line,
        cast(null as varchar) as detail,
        cast(null as varchar) as missing_input
    from unioned
)

select * from final
