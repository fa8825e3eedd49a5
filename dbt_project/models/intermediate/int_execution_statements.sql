{# grain: one row per execution statement of a 决算 narrative: "…行政单位离退休（项）。…年初预算为
   54.53万元，支出决算为54.53万元，完成年初预算的100.00%。决算数同预算数持平".
   inputs: stg narrative figures (the execution_* figures of one statement come together, its
   execution_final first), int_budget_cells_classified, int_disclosures, int_document_versions.
   rules: the subject is printed as 类（类）款（款）项（项）: each name is matched under its parent
   among the lines the 一般公共预算财政拨款支出决算表 prints (a 项 name such as 行政运行 recurs under
   many 款); a statement about the whole (一般公共预算财政拨款支出) is the table's 合计 line; exact
   names only, so a statement naming a line differently stays unresolved. The table is the
   statement's own file's, else the latest file of its disclosure that prints one. #}
with documents as (
    select document_id from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

figures as (
    select
        f.*,
        sum(case when f.metric = 'execution_final' then 1 else 0 end)
            over (partition by f.document_id order by f.figure_seq) as statement_no
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d using (document_id)
    where f.metric like 'execution_%'
),

statements as (
    select
        document_id,
        statement_no,
        min(figure_seq) filter (where metric = 'execution_final') as figure_seq,
        any_value(label) filter (where metric = 'execution_final') as label,
        any_value(sentence) filter (where metric = 'execution_final') as sentence,
        min(source_line) as source_line,
        any_value(amount_wan) filter (where metric = 'execution_final') as final_amount_wan,
        any_value(amount_wan) filter (where metric = 'execution_budget_initial') as budget_initial_wan,
        any_value(amount_wan) filter (where metric = 'execution_budget_adjusted') as budget_adjusted_wan,
        any_value(percent) filter (where metric = 'execution_rate') as stated_rate,
        any_value(reference_amount_wan) filter (where metric = 'execution_rate') as rate_reference_wan,
        any_value(stated_direction) filter (where metric = 'execution_direction') as stated_direction,
        any_value(reference_amount_wan) filter (where metric = 'execution_direction') as direction_reference_wan
    from figures
    group by document_id, statement_no
),

named as (
    select
        *,
        nullif(regexp_extract(label, '^(.*?)（类）', 1), '') as class_name,
        nullif(regexp_extract(label, '（类）(.*?)（款）', 1), '') as segment_name,
        nullif(regexp_extract(label, '（款）(.*?)（项）', 1), '') as item_name
    from statements
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
        tf.table_document_id,
        coalesce(i.subject_key, t.subject_key) as subject_key,
        coalesce(i.amount_wan, t.amount_wan) as table_amount_wan,
        coalesce(i.table_line, t.table_line) as table_line
    from named as s
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
    qualify row_number() over (partition by s.document_id, s.statement_no order by i.table_line, t.table_line) = 1
),

final as (
    select * exclude (statement_no) from resolved
)

select * from final
