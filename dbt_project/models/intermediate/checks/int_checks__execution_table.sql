{# grain: one row per execution statement of a 决算 narrative (the 决算 amount it states for
   a subject) checked against the 一般公共预算财政拨款支出决算表 line of that subject:
   - narrative_execution_matches_table: 支出决算为B万元 = the table's 合计 on the subject's line.
   The subject is printed as 类（类）款（款）项（项）: each name is matched under its parent among
   the lines the table prints (a 项 name such as 行政运行 recurs under many 款); a statement
   about the whole (一般公共预算财政拨款支出) is the table's 合计 line. Anything else is skipped.
   inputs: stg narrative figures, int_budget_cells_classified, int_disclosures,
   int_document_versions. #}
with documents as (
    select document_id from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

statements as (
    select
        f.document_id, f.label, f.amount_wan, f.source_line, min(f.figure_seq) as figure_seq,
        any_value(f.sentence) as sentence,
        nullif(regexp_extract(f.label, '^(.*?)（类）', 1), '') as class_name,
        nullif(regexp_extract(f.label, '（类）(.*?)（款）', 1), '') as segment_name,
        nullif(regexp_extract(f.label, '（款）(.*?)（项）', 1), '') as item_name
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d using (document_id)
    where f.metric in ('execution_rate', 'execution_direction')
    group by f.document_id, f.label, f.amount_wan, f.source_line
),

disclosures as (
    select document_id, disclosure_key from {{ ref('int_disclosures') }}
),

-- each file's table lines: code, name, 合计
lines as (
    select
        c.document_id, c.subject_key, c.subject_code_resolved as code, c.line_name,
        sum(c.amount_wan) as amount_wan, min(c.source_line) as table_line
    from {{ ref('int_budget_cells_classified') }} as c
    where c.table_code = 'gpb_expense' and c.measure in ('total', 'amount') and c.scope = 'department'
    group by all
),

-- the file whose table a statement is checked against: its own, else the latest file of its
-- disclosure that prints one (江苏 prints narrative and tables in two files)
table_file as (
    select s.document_id, coalesce(own.document_id, other.document_id) as table_document_id
    from (select distinct document_id from statements) as s
    inner join disclosures as ds using (document_id)
    left join (select distinct document_id from lines) as own on own.document_id = s.document_id
    left join (
        select distinct l.document_id, dd.disclosure_key
        from lines as l
        inner join disclosures as dd using (document_id)
        inner join {{ ref('int_document_versions') }} as v on v.document_id = l.document_id and v.is_latest
    ) as other on other.disclosure_key = ds.disclosure_key
    qualify row_number() over (partition by s.document_id order by other.document_id) = 1
),

resolved as (
    select
        s.*,
        coalesce(i.subject_key, t.subject_key) as subject_key,
        coalesce(i.amount_wan, t.amount_wan) as table_amount,
        coalesce(i.table_line, t.table_line) as table_line
    from statements as s
    left join table_file as tf using (document_id)
    left join lines as k
        on k.document_id = tf.table_document_id and length(k.code) = 3 and k.line_name = s.class_name
    left join lines as g
        on g.document_id = tf.table_document_id and length(g.code) = 5 and left(g.code, 3) = k.code
        and g.line_name = s.segment_name
    left join lines as i
        on i.document_id = tf.table_document_id and length(i.code) = 7 and left(i.code, 5) = g.code
        and i.line_name = s.item_name
    left join lines as t
        on t.document_id = tf.table_document_id and t.subject_key = 'balance:total'
        and s.class_name is null and s.label = '一般公共预算财政拨款支出'
    -- a name printed on two lines of one parent would match twice: keep the first line
    qualify row_number() over (partition by s.document_id, s.figure_seq order by i.table_line, t.table_line) = 1
),

final as (
    select
        'narrative_execution_matches_table' as rule_id, document_id, cast(null as integer) as table_seq,
        'gpb_expense' as table_code, 'department' as scope, cast(null as varchar) as unit_code,
        cast(null as varchar) as side, figure_seq as row_seq, label || ': ' || sentence as line_label,
        subject_key, 'total' as measure, '万元' as amount_unit,
        amount_wan as lhs, table_amount as rhs, 2 as n_terms, source_line,
        'table line ' || table_line as detail,
        case when table_amount is null then 'no line of 一般公共预算财政拨款支出决算表 is ' || label end as missing_input
    from resolved
)

select * from final
