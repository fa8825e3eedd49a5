{# grain: one row per summary table (收支总表, 财政拨款收支总表, their 决算 forms) × identity × column.
   inputs: int_budget_cells_classified. Blank cells in a printed table are zero.
   The expense side of 财政拨款收支总表 has several columns; each is checked.
   One set of identities serves 预算 and 决算: the 决算 总表 adds 使用非财政拨款结余
   to the income total and 结余分配 to the expense total, lines a 预算 never prints. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    where shape = 'two_sided'
        and {{ rebuilt_here() }}
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
        coalesce(sum(amount_wan) filter (where subject_key = 'balance:non_fiscal_balance_used'), 0) as balance_used,
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
        coalesce(sum(c.amount_wan) filter (where c.subject_key = 'balance:balance_distribution'), 0) as distribution,
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
        i.grand_total as lhs, e.grand_total as rhs, 2 as n_terms, coalesce(i.grand_line, e.grand_line) as source_line,
        cast(null as varchar) as missing_input
    from tables as t
    inner join income as i using (document_id, table_seq)
    inner join expense as e using (document_id, table_seq)
    where e.measure in ('amount', 'total')
),

income_total as (
    select
        'summary_income_total' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '本年收入合计 + 上年结转 (+ 使用非财政拨款结余) = 收入总计' as line_label, 'balance:income_grand_total' as subject_key,
        'amount' as measure,
        i.grand_total as lhs, i.current_total + i.carryover + i.balance_used as rhs, 4 as n_terms, i.grand_line as source_line,
        -- 江苏's 财政拨款收支预算总表 lists the sources and 收入合计 with no 本年收入合计 line
        case when i.current_line is null then '本年收入合计 not printed' end as missing_input
    from tables as t
    inner join income as i using (document_id, table_seq)
),

expense_total as (
    select
        'summary_expense_total' as rule_id, t.*, 'expense' as side, 0 as row_seq,
        '本年支出合计 + 年终结转 (+ 结余分配) = 支出总计' as line_label, 'balance:expense_grand_total' as subject_key, e.measure,
        e.grand_total as lhs, e.current_total + e.carryover + e.distribution as rhs, 4 as n_terms, e.grand_line as source_line,
        case when e.current_line is null then '本年支出合计 not printed' end as missing_input
    from tables as t
    inner join expense as e using (document_id, table_seq)
),

income_items as (
    select
        'summary_income_items' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '本年收入合计 = Σ 收入项目' as line_label, 'balance:income_current_total' as subject_key, 'amount' as measure,
        -- without a 本年收入合计 line this year's income is 收入总计 less what came from earlier years
        case when i.current_line is not null then i.current_total else i.grand_total - i.carryover - i.balance_used end as lhs,
        i.sources as rhs, i.n_sources + 1 as n_terms, coalesce(i.current_line, i.grand_line) as source_line,
        case when i.current_line is null and i.grand_line is null then '本年收入合计 and 收入总计 not printed' end as missing_input
    from tables as t
    inner join income as i using (document_id, table_seq)
),

expense_classes as (
    select
        'summary_expense_classes' as rule_id, t.*, 'expense' as side, 0 as row_seq,
        '本年支出合计 = Σ 功能分类' as line_label, 'balance:expense_current_total' as subject_key, e.measure,
        case when e.current_line is not null then e.current_total else e.grand_total - e.carryover - e.distribution end as lhs,
        e.classes as rhs, e.n_classes + 1 as n_terms, coalesce(e.current_line, e.grand_line) as source_line,
        -- a table listing expense by use (基本支出, 项目支出) instead of by function class
        case
            when e.n_classes = 0 then 'no function class lines'
            when e.current_line is null and e.grand_line is null then '本年支出合计 and 支出总计 not printed'
        end as missing_input
    from tables as t
    inner join expense as e using (document_id, table_seq)
),

carryover_items as (
    select
        'summary_carryover_items' as rule_id, t.*, 'income' as side, 0 as row_seq,
        '年初结转和结余 = Σ 其构成' as line_label, 'balance:carryover_in' as subject_key, 'amount' as measure,
        i.carryover as lhs, i.carryover_parts as rhs, i.n_carryover_parts + 1 as n_terms, i.carryover_line as source_line,
        case when i.carryover_line is null and i.n_carryover_parts = 0 then '年初结转和结余 not printed' end as missing_input
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
        missing_input
    from unioned
)

{{ rule_check_rows('final') }}
