# kejing 客经 — 中文（默认）
app-name = 客经
app-tagline = 客户经理制：分级、考核、薪酬与管理
skip-to-content = 跳到正文
nav-label = 主导航
nav-dashboard = 工作台
nav-managers = 客户经理
nav-clients = 客户与管户
nav-transfers = 移交申请
nav-settlement = 绩效结算
nav-disputes = 申诉
nav-imports = 数据导入
nav-whatif = 模拟测算
nav-policies = 政策
nav-audit = 审计日志
nav-password = 修改密码
nav-menu = 菜单
nav-logout = 退出
role-manager = 客户经理
role-team_head = 团队负责人
role-branch_head = 支行行长
role-admin = 绩效管理员
role-auditor = 审计
status-open = 待处理
status-accepted = 已受理
status-rejected = 已驳回
status-approved = 已批准
login-title = 登录
login-username = 用户名
login-password = 密码
login-submit = 登录
error-title = 出错了
error-back = 返回
error-login-required = 请先登录。
error-session-expired = 会话已过期，请重新登录。
error-wrong-password = 用户名或密码不正确，或因连续登录失败账户暂被锁定。
error-busy = 服务器正忙于处理其他登录，请稍后再试。
error-too-many-attempts = 此地址登录尝试过多，请等待最多 15 分钟，或联系管理员。
error-locked = 连续登录失败次数过多，账户已锁定 15 分钟。
error-forbidden = 您无权执行此操作或查看此内容。此次访问已记录。
error-not-found = 找不到该页面或记录。
error-invalid = 输入有误，未做任何更改。
error-conflict = 此事项已由他人处理，本次未做任何更改。请刷新查看当前状态。
error-internal = 服务器内部错误，未做任何更改。请联系管理员。
error-csrf = 安全校验失败（表单已过期或来源不明），未做任何更改。请刷新页面后重试。
error-double-submit = 该表单已提交过一次，未重复处理。
error-nonce-missing = 表单缺少一次性校验字段，请刷新页面后重新提交。
error-too-large = 上传文件过大，未做任何更改。
error-upload-gone = 该上传已处理或已过期，请重新上传。
password-title = 修改密码
password-current = 当前密码
password-new = 新密码（至少 8 位）
password-confirm = 再次输入新密码
password-submit = 修改
password-changed = 密码已修改，其他设备上的登录已退出。
password-wrong-current = 当前密码不正确。
password-too-short = 新密码至少 8 位。
password-mismatch = 两次输入的新密码不一致。
dash-title = 工作台
dash-no-runs = 尚无结算结果。绩效管理员结算后，这里会显示本期薪酬与排名。
dash-mine = 我的业绩
dash-pay = { $period } 绩效薪酬
dash-previous = 上期（{ $period }）
dash-completion = 目标完成率
dash-no-target = 本期无目标
dash-rank = 排名
dash-statement = 查看明细与依据
dash-trend = 近 12 期薪酬走势
dash-trend-caption = 每期以锁定结果为准，未锁定的取最新一次结算（元）。
dash-team = 团队（{ $count } 人）
dash-team-caption = { $period } 团队薪酬，按金额从高到低
dash-distribution = 薪酬分布（人数）
col-period = 期间
col-manager = 客户经理编号
col-name = 姓名
col-unit = 机构
col-track = 序列
col-grade = 等级
col-staff-grade = 员工等级
col-status = 状态
col-hired = 入职日期
col-effective = 生效日期
col-rank = 名次
col-total = 合计
col-sum = 合计
col-statement = 薪酬明细
col-client = 客户编号
col-kind = 类别
col-owners = 管户经理 × 比例
col-account = 账号
col-ratio = 比例
col-from = 起
col-to = 止
col-reason = 理由
col-decision = 处理意见
col-run = 结算批次
col-policy = 政策
col-created = 结算时间
col-actor = 操作人
col-item = 项目
col-amount = 金额（元）
col-note = 说明
col-diff = 差额
col-row = 行
col-column = 列
col-value = 值
col-title = 名称
col-frequency = 结算频率
col-items = 项目数
col-cases = 测试用例
col-at = 时间
col-action = 动作
col-entity = 对象
col-key = 键
col-change = 变更
wan = 万元
show = 查看
empty = 暂无数据
cancel = 取消
approve = 批准
reject = 驳回
accept = 受理
filter-text = 编号或姓名
filter-all = 全部
filter-apply = 筛选
pager-label = 分页
pager-prev = 上一页
pager-next = 下一页
pager-page = 第 { $page } / { $pages } 页，共 { $total } 条
manager-history = 等级与状态变动
manager-pay = 各期薪酬
manager-clients = 当前管户客户（{ $count } 户）
manager-more-clients = 查看全部客户
clients-caption = { $day } 的管户关系
client-owners = { $day } 的管户经理
client-history = 管户历史
client-level = 客户级
client-accounts = 账户
transfer-request = 申请移交
transfer-from = 移出经理
transfer-to = 接收经理
transfer-submit = 提交移交申请
transfers-help = 移交经批准后，自生效日起由接收经理按原比例管户；此前的业绩仍归原经理。
import-upload = 上传文件
import-help = 支持 CSV（UTF-8 或 GBK）与 XLSX，最大 20 MB。先预检：逐行校验并与数据库核对，全部无误后才能提交；有任何错误则不写入。
import-table = 数据表
import-file = 文件
import-preview = 预检
import-commit = 确认导入
import-preview-ok = 预检通过：{ $file }（{ $table }）共 { $rows } 行，将写入 { $written } 行，{ $unchanged } 行无变化。
import-bad = { $file } 有 { $count } 行错误，未写入任何数据。请修改后重新上传：
import-done = 已导入 { $table }：读取 { $rows } 行，写入 { $written } 行，{ $unchanged } 行无变化。
settle-run = 结算
compare = 比较两次结算
compare-a = 基准
compare-b = 对比
compare-summary = { $changed } 人有差异；合计 { $a } → { $b }（差额 { $diff }）。
compare-same = 两次结算结果相同。
run-label = 第 { $id } 批
run-locked = 已审批锁定
run-open = 未锁定
run-by = { $actor } 于 { $at } 结算
run-status-draft = 草稿
run-status-submitted = 待复核
run-status-approved = 已审批，待锁定
run-status-locked = 已锁定发放
run-status-superseded = 已被取代
run-steps = 审批流程
run-step-settled = { $who } 于 { $at } 结算
run-step-submit = 待提交复核
run-step-submitted = { $who } 于 { $at } 提交复核
run-step-approve = 待另一人审批
run-step-approved = { $who } 于 { $at } 审批通过
run-step-lock = 待锁定发放
run-step-locked = { $who } 于 { $at } 锁定
run-superseded-note = 本批已被取代（本期有更新的结算，或本期已锁定在另一批上），不能再审批或锁定。
run-submit = 提交复核
run-approve = 审批通过
run-approve-confirm = 审批通过后即可锁定发放。确定审批？
run-approve-own = 本批由您结算或提交，须由另一位有审批权限的人员审批。
run-count = { $count } 人
lock-run = 锁定发放
lock-confirm = 锁定后本期结果不再改变，此后的更正将计入下一期。确定锁定？
payroll-export = 导出提成工资表（XLSX）
payroll-sheet = 提成工资表
statement-title = 薪酬明细 { $manager }
statement-trace = 计算依据
statement-trace-help = 每一项都可展开到所用参数（含生效日期与政策依据）、档位和源数据行。
statement-more-notes = 另有 { $count } 条明细未显示（可通过 API 获取全部）。
dispute-raise = 申诉
dispute-submit = 提交申诉
dispute-adjust-period = 调整计入期间
dispute-adjust-amount = 调整金额（元）
disputes-help = 客户经理可对本人薪酬明细中的任一项提出申诉；受理后调整金额计入指定的未锁定期间。
whatif-help = 修改参数，在现有数据上重新测算，对比每位客户经理与总额的影响。不会写入任何数据。
whatif-changes = 参数修改（每行一个）
whatif-changes-example = 例如
whatif-changes-or = 或
whatif-table = 表名
whatif-row = 序号
whatif-value = 值
whatif-run = 测算
whatif-parameters = 可修改的参数
whatif-result = { $period } 测算结果
whatif-summary = { $count } 人中 { $changed } 人受影响（按影响大小排序，最多显示 200 人）。
whatif-current = 现行
whatif-simulated = 测算
whatif-nothing-written = 测算不改动任何结算、数据和政策；保存方案只保存这次测算的结果。
policy-valid = 校验通过
policy-run-tests = 运行测试用例
policy-tests = 测试：{ $passed } 通过，{ $failed } 失败
policy-text = 政策文本
nav-assessments = 考核
assess-help = 按政策的考核表评分（定量指标自动计算，定性指标由评分人打分），在政策指定的分组内排名，并按等级规则提出晋级、保级、降级、解聘或转正的建议。建议经绩效管理员批准后才改变等级，自生效日起执行。
assess-run = 考核
assess-run-label = 考核第 { $id } 批
assess-scorecard = 考核表
assess-open = 待批准的建议：{ $count } 条
assess-approve-own = 本次考核由 { $who } 发起，其晋降级建议须由另一位有权限的人员批准。
assess-approve-all = 批准全部建议
assess-approve-confirm = 批准后等级自生效日起变更，并记入等级变动历史。确定批准？
assess-group = 排名分组
assess-score = 得分
assess-decision = 建议
assess-new-grade = 建议等级
assess-approved = 已批准，{ $on } 起生效
assess-proposed = 待批准
assess-rule = 依据
assess-dimension = 维度
assess-standard = 评分标准
assess-max = 满分
assess-rated = 评分人打分
decision-promote = 晋级
decision-keep = 保级
decision-demote = 降级
decision-dismiss = 解聘
decision-confirm = 转正定级
relation-self = 自评
relation-superior = 上级
relation-peer = 同事
relation-subordinate = 下级
rate-title = 评分
rate-as = { $scorecard }：以 { $rater }（{ $relation }）身份评分
rate-save = 保存评分
rate-saved = 已保存 { $count } 项评分。
rate-withdrawn = 已撤回 { $count } 项评分。
rate-invalid = 评分有误，未保存：
rate-nothing = 没有填写任何评分。
rate-no-items = 该考核表没有需要评分人打分的项目。
payroll-title = { $org } 提成工资表
payroll-head-run = 期间 { $period } · 第 { $run } 批结算 · 政策 { $policy }（{ $hash }）
payroll-head-status = 状态：{ $status } · 结算：{ $settled }
payroll-head-unapproved = 尚未审批
payroll-head-approved = 审批：{ $by }（{ $at }） · 锁定：{ $locked_by } { $locked_at }
payroll-subtotal = 小计 { $unit }
payroll-total = 合计
payroll-sign-made = 制表：{ $who }
payroll-sign-reviewed = 复核：{ $who }
payroll-sign-approved = 审批：{ $who }
payroll-sign-line = 签字：＿＿＿＿＿＿　日期：＿＿＿＿
payroll-footer = 第 { $run } 批结算 · kejing 客经
payroll-draft = 草稿 DRAFT：第 { $run } 次结算尚未审批锁定，不得据此发放。

# 月度对账 (B3)
recon-title = 月度对账
recon-intro = 每位客户经理的自建统计与库管统计(当月导入的发货与回款)逐项对照。对账一致后方可结算当月; 不一致时, 须由审批人写明理由后豁免。
recon-show = 查看
recon-no-policy = 本系统没有需要月度对账的方案([reconciliation] 一节)。
recon-agrees = 已对平: 各项数字一致
recon-differs = 未对平: { $count } 处差异, 当月暂不能结算
recon-overridden = 已由 { $by } 于 { $at } 豁免
recon-due = 截止 { $day }
recon-overdue = 已逾期
recon-measure = 指标
recon-keeper = 库管统计
recon-own = 自建统计
recon-line-agrees = 一致
recon-line-differs = 不一致
recon-line-missing = 未报
recon-override-reason = 为何可按现状结算?
recon-override = 记录豁免
settle-reconcile = 月度对账

# 协议价 (C3)
nav-agreements = 协议价
agreements-help = 个人不享受协议价。客户经理调查清楚单位详细资料后上报, 经部门经理同意(申请人本人不能审批)后方可签订协议; 批准后该客户即为协议单位。
agreement-terms = 协议价条款
agreement-investigation = 单位调查情况
agreement-request = 上报审批
assess-sign = 签署: { $step }
assess-awaiting = 待 { $step }

# 日常管理
nav-daily = 日常管理
col-date = 日期
daily-my-day = 我的今天
daily-team-day = 团队日况
daily-breaches = 违规记录
daily-open = 打开
daily-briefing = 晨会
daily-none = 暂无
daily-log = 工作日志
daily-log-signed = 已签阅
daily-log-unsigned = 待签阅
daily-log-due = 今日待写
daily-log-missing = 未写
daily-week-new = 本周新增客户
daily-out-now = 外出中
daily-left = 外出
daily-expected-back = 预计返回
daily-back = 我已返回
daily-register-outing = 外出登记
daily-purpose = 事由
daily-duty = 我是当日坐班经理
daily-visit-record = 走访记录
daily-outing = 外出
daily-person = 被访人
daily-department = 部门
daily-title = 职务
daily-expected-result = 期望结果
daily-outcome = 走访结果
daily-info = 其他信息
daily-next-step = 下一步打算
daily-save = 保存
daily-write-log = 填写今日工作日志
daily-outings-today = 外出
daily-visits = 走访
daily-inbox = 待办与逾期
daily-nothing-due = 没有待办或逾期事项
daily-as-of = 截至
daily-not-back = 未返回
daily-overdue = 逾时
daily-unsigned-logs = 待签阅的工作日志
daily-comment = 签阅意见
daily-plan-next = 次日安排
daily-sign = 签阅
daily-all-signed = 工作日志均已签阅
daily-no-policy = 政策目录中没有含日常管理规则的政策。
daily-by-rule = 按客户经理和规则
daily-each = 逐条
daily-rule = 规则
daily-count = 次数
daily-rules-count = 按规则
daily-managers-count = 涉及客户经理
daily-flagged-by = 被此规则标记
daily-detail = 说明
briefing-present = 出席
briefing-absent = 缺席
briefing-leave = 请假

# 认领
nav-claims = 客户认领
claims-help = 客户经理认领无人管户的客户，或申请分享已有管户客户的份额（按原管户比例让出，份额合计始终为 1）。由申请人以外的人审批。同一客户的多个认领并列显示：一旦批准其中一个，整户认领即不能再批准。协议单位和回头的老客户不计为新客户。
claim-share = 份额
claim-request = 提交认领
claim-contested = 多人认领
claim-owners = 当日管户
claim-not-new = 不计新客户
claim-agreement = 协议单位
claim-returning = 老客户回头
daily-new-prospect = 新增潜在客户或客户
daily-prospect-name = 名称
daily-stage = 阶段
stage-prospect = 潜在
stage-contacted = 已接触
stage-client = 已成交
daily-converted-on = 成为客户日期
daily-retail-visit = 零售户走访
daily-stock = 库存
daily-sales-trend = 销售趋势
daily-demand = 真实需求
daily-listed-brands = 上柜品牌数
daily-new-brand-packs = 新品陈列包数
daily-advice = 建议
daily-pipeline = 我的客户储备
daily-register = 登记簿

# 投资理财建议书 (F1–F2)
nav-letters = 理财建议书
letters-help = 您权限范围内客户的投资理财建议书，最新的在前：每份按生成时的样子保存，附风险等级和推荐产品。
advice-title = 投资理财建议
advice-help = 客户的风险等级、风险测评问卷、财务状况以及其等级可购买的产品；建议书连同生成所依据的全部资料一并保存。
advice-back = 返回客户
advice-risk = 风险等级
advice-score = 得分
advice-allowed = 可购买
advice-capped = 按得分为 { $scored }，受以下规则限制：
advice-assessed = 评估日期 { $on }，有效期至 { $until }
advice-status-valid = 有效
advice-status-due = 即将到期，请重新评估
advice-status-expired = 已过期
advice-questionnaire = 风险承受能力评估问卷
advice-assess = 提交评估
advice-profile = 财务状况
advice-item = 项目
advice-kind = 类别
advice-kind-income = 收入（年）
advice-kind-expense = 支出（年）
advice-kind-asset = 资产
advice-kind-liability = 负债
advice-surplus = 年度结余
advice-net-worth = 净资产
advice-savings-rate = 储蓄率
advice-liquidity = 流动性（月）
advice-debt-ratio = 负债率
advice-needed = 届时所需
advice-gap = 缺口
advice-no-profile = 尚无有效评估或财务资料：请先完成风险测评并填写财务状况。
advice-add-line = 新增或更新一项
advice-goal = 目标
advice-due = 目标日期
advice-products = 产品
advice-product = 产品
advice-level = 风险等级
advice-return = 预期年化收益率 %
advice-make-letter = 生成建议书
advice-date = 日期
advice-made-by = 生成人
advice-preview = 预览
advice-save = 保存
advice-unsuitable = 产品风险等级 { $product } 高于 { $level } 可购买的 { $allowed }，不能推荐
advice-not-assessed = 没有有效的风险评估：请先完成风险测评
advice-reassess = 待重新评估
advice-reassess-help = 您权限范围内风险评估即将到期或已过期的客户：重新完成风险测评之前，不能为其出具建议书。
transfer-choose = 请选择接收人

## Coded messages of the application layer (kejing_app::error::CODES), with their parameters.
msg-own-request = { $thing ->
    [run] 第 { $id } 批结算
    [transfer] 移交申请 #{ $id }
    [dispute] 申诉 #{ $id }
    [claim] 认领申请 #{ $id }
    [agreement] 协议价申请 #{ $id }
    [assessment] 第 { $id } 次考核的晋降级建议
   *[other] #{ $id }
} 由 { $by } 经办或提出，须由另一位有权限的人员决定。
msg-lock-no-run = { $period } 没有可锁定的结算批次：请先结算 { $period }。
msg-lock-run-other-period = 第 { $run } 批不是本机构 { $period } 的结算批次。
msg-dispute-reason-required = 提出申诉须写明理由：请说明该项哪里有误。
msg-decision-reason-required = 裁决须写明理由：请说明受理或驳回的原因。
msg-adjustment-period-locked = { $period } 已锁定（第 { $run } 批）：请在未锁定的期间支付这笔调整。
msg-manager-gone = 客户经理 { $manager } 已不在客户经理表中。
msg-override-reason-required = 核对差异放行须写明理由：为何本月可在未核对一致时发放？
msg-override-period-locked = { $period } 已锁定（第 { $run } 批）：该期已结算并审批。
msg-assessment-run-unknown = 没有第 { $run } 次考核。
msg-assessment-no-result = 第 { $run } 次考核没有 { $manager } 的结果。
msg-grade-not-on-ladder = 等级 { $grade } 不在序列 { $track } 的等级阶梯中（等级表）：该建议无法审批；请更正制度的等级阶梯或等级表。
msg-step-unknown = { $manager } 的建议没有“{ $step }”这一步；其步骤为：{ $steps }。
msg-step-out-of-order = { $manager } 的建议须先完成第“{ $step }”步（{ $role }）。
msg-step-same-signer = { $actor } 已签署 { $manager } 的建议的“{ $step }”一步：每一步须由不同的人签署。
msg-run-not-submitted = 第 { $run } 批结算尚未提交复核：请先提交。
msg-run-superseded = 第 { $run } 批结算（{ $period }）已被取代（本期有更新的结算，或本期已锁定在另一批上），不能再审批或锁定。
msg-run-locked = 第 { $run } 批结算已由 { $by } 于 { $at } 锁定。
msg-run-done = 第 { $run } 批结算已由 { $by } 于 { $at } { $step ->
    [submitted] 提交复核
   *[approved] 审批通过
}。
msg-run-not-approved = 第 { $run } 批结算尚未审批：请提交复核并由另一人审批后，再锁定 { $period }。

## 计算说明（引擎的 trace 代码；参数名见 crates/engine/src/phrase.rs）
trace-account-line = 账户 { $account }（{ $product }，{ $currency }{ $rate ->
    [none] {""}
   *[other] ，利率 { $rate }
  }）：Σ 余额 × 分配比例 = { $sum }（分配比例 · 天数 { $shares }）；权数 { $weight } → { $value }
trace-adjustment-label = { $item }（调整）
trace-average-label = { $kind } 平均
trace-award-first-reached = { $period } 首次达到：奖励 { $award } = { $amount }
trace-balances-average-label = { $name }（余额 { $first } 至 { $last }，日均）
trace-balances-label = { $name }（余额 { $first } 至 { $last }）
trace-before-data = { $period }：数据开始之前，不计
trace-before-hire = { $period }：入职之前，不计
trace-capped = 以本项满分 { $max } 为限
trace-client-label = { $item } · 客户 { $client } { $name }
trace-grade-rules = 等级规则
trace-item-dimension = 维度 { $dimension }，满分 { $max }（政策第 { $line } 行）
trace-item-dimension-standard = 维度 { $dimension }，满分 { $max }；标准：{ $standard }（政策第 { $line } 行）
trace-item-label = { $item } = { $expr }
trace-lookup-default = { $key } 未列出；取默认值 { $default }
trace-lookup-label = 查表 { $table }（{ $key }）
trace-lookup-row = { $key } 见 { $from } 起生效的表（{ $reference }；政策第 { $line } 行）
trace-new-client = 新客户：{ $first_day } 首笔{ $source }记录，归 { $manager }{ $since }
trace-no-rule-holds = 没有规则成立：保持原等级
trace-not-in-post = { $period }：不在岗，不计
trace-parameter-effective = { $from } 起生效（{ $reference }；政策第 { $line } 行）
trace-parameter-label = { $name }（参数）
trace-place-label = { $item }：按 { $by } 排第 { $place } 名
trace-rank-everyone-label = 全体排名
trace-rank-label = { $within } { $group } 内排名
trace-rated-label = { $item }（评分）
trace-rater-gave = { $source }：评分人 { $rater } 评 { $score } 分
trace-relation-label = { $relation } × { $weight }
trace-returning-client = 回头客户：{ $from } 至 { $to } 无{ $source }记录（{ $days } 天，超过 { $limit } 天），不算新客户
trace-rounded = 舍入 { $from } → { $to }（{ $mode ->
    [half_up] 四舍五入
    [half_even] 银行家舍入
    [down] 舍去
    [up] 进一
   *[other] { $mode }
  }，精度 { $step }）
trace-row-value = { $row } → { $value }
trace-rows-client-label = { $name }（{ $source } { $span }，客户 { $client }）
trace-rows-excluded = 本期有 { $count } 行因 where 条件未计入
trace-rows-label = { $name }（{ $source } { $span }）
trace-rule-label = { $decision ->
    [promote] 晋级
    [demote] 降级
    [keep] 保级
    [confirm] 转正
    [dismiss] 解聘
   *[other] { $decision }
  }，条件 { $when }
trace-rule-line = 政策第 { $line } 行
trace-rule-line-reason = 政策第 { $line } 行：{ $reason }
trace-score = 得分 { $score }
trace-streak-call-label = 连续满足 { $cond } 的期数
trace-streak-item-label = { $item } = { $n } × { $step }
trace-streak-label = { $item }：连续满足 { $when }
trace-streak-zero = { $item }（连续 0 期）
trace-sub-period = { $period }：{ $total }
trace-target-default = 目标表中无此行；取指标 { $name } 的默认值（政策第 { $line } 行）
trace-target-label = { $name }（目标 { $measure }）
trace-target-row = 目标表：{ $manager } { $period } { $measure }
trace-threshold = { $measure }：{ $previous } 末为 { $before }，{ $period } 末为 { $now }；门槛 { $at_least } = { $limit }
trace-tied = 与另外 { $others } 人并列；并列规则 { $ties ->
    [all] 各得全额
   *[share] 平分
  }
trace-tier-label = 分档 { $table }（{ $x }）
trace-tier-row = 档位 { $row }（政策第 { $line } 行），{ $from } 起生效的表（{ $reference }）
trace-total-of = 总分 = { $parts }
trace-total-rounded = 四舍五入 { $from } → { $to }（保留 { $decimals } 位小数）
trace-value-label = { $name } = { $expr }
trace-weights-left-out = 无评分的关系不计权数：Σ 权数 × 平均分 / { $weights }
trace-when-no = 条件 { $when }：不成立
trace-when-yes = 条件 { $when }：成立
trace-yes = 是
trace-no = 否
trace-show-exact = 显示完整精度
trace-show-short = 显示常用精度

## 数据表（数据约定的表名）
table-org_units = 机构
table-tracks = 类别
table-grades = 等级
table-managers = 客户经理
table-clients = 客户
table-accounts = 账户
table-ownership = 管户
table-balances = 余额
table-targets = 目标
table-sales = 发货
table-payments = 回款
table-bookings = 预订
table-scores = 评分
table-tallies = 自建统计
table-calendar = 工作日历
table-briefings = 晨会
table-outings = 外出登记
table-visits = 走访记录
table-work_logs = 工作日志
table-prospects = 潜在客户
table-credit_register = 信贷业务登记
table-retail_visits = 零售户走访
table-meetings = 会议
table-action_items = 会议事项
table-reports = 报表报送
table-risk_answers = 风险测评
table-products = 产品
table-finances = 财务状况
table-goals = 理财目标
table-holdings = 持有产品
table-adjustments = 调整

## 审计日志：动作与对象
audit-action-add = 添加
audit-action-approve = 审批
audit-action-assess = 考核
audit-action-close = 关闭
audit-action-create = 创建
audit-action-import = 导入
audit-action-lock = 锁定
audit-action-login = 登录
audit-action-logout = 退出
audit-action-password = 修改密码
audit-action-raise = 提出
audit-action-rate = 评分
audit-action-register = 登记
audit-action-request = 申请
audit-action-settle = 结算
audit-action-sign = 签阅
audit-action-unlock = 解锁
audit-action-update = 修改
audit-action-override_reconciliation = 核对差异放行
audit-action-letter-generate = 生成建议书
audit-action-letter-refuse = 拒绝生成建议书
audit-action-run-submit = 提交复核
audit-action-run-approve = 审批结算
audit-action-accepted = 受理
audit-action-rejected = 驳回
audit-action-approved = 批准
audit-action-withdrawn = 撤回
audit-action-cancelled = 取消
entity-agreement = 协议价
entity-agreement_requests = 协议价申请
entity-assessment_results = 考核结果
entity-assessment_runs = 考核批次
entity-assessment_steps = 考核审批
entity-claim = 认领
entity-client = 客户
entity-disputes = 异议
entity-letter = 建议书
entity-organisations = 机构
entity-period_locks = 期间锁定
entity-reconciliation_overrides = 核对放行
entity-run = 结算批次
entity-settlement_runs = 结算批次
entity-transfer_requests = 移交申请
entity-ownership_claims = 认领申请
entity-users = 用户
list-sep = { "、" }
msg-client-not-in-scope = 客户 { $client } 在 { $on } 不归您管辖范围内的任何客户经理管户。
trace-daily-count-over = { $first } 至 { $last }：{ $register } { $total }（至多 { $bound }）{ $rows }
trace-daily-count-short = { $first } 至 { $last }：{ $register } { $total }（至少 { $bound }）{ $rows }
trace-daily-no-linked = { $row }；没有 { $field } 为 { $key } 的{ $register }记录
trace-daily-no-row = { $span } 没有{ $register }记录
frequency-monthly = 按月
frequency-quarterly = 按季
frequency-half_yearly = 按半年
frequency-annual = 按年
policy-summary = 参数 { $parameters } 个，分档表 { $tiers } 张，指标 { $measures } 个，取值 { $values } 个，薪酬项 { $items } 个，测试用例 { $cases } 个
msg-period-missing = 请填写期间，例如 { $example }。
msg-period-invalid = “{ $value }”不是期间：请写成 { $example } 这样的形式。
msg-period-wrong-frequency = 制度 { $policy } { $frequency ->
    [monthly] 按月
    [quarterly] 按季
    [half_yearly] 按半年
   *[annual] 按年
} 结算，请填写如 { $example } 的期间，而不是 { $value }。
msg-policy-unknown = 制度目录中没有制度“{ $policy }”：请从列表中选择。
msg-policy-already-adopted = 制度 { $policy } 已由 { $by } 于 { $at } 设为本机构使用。
msg-policy-not-adopted = 制度 { $policy } 本机构未在使用（可能已被他人停用）。
settle-no-policies = 本机构没有可结算的制度：请在“制度”页选定本机构使用的制度。
audit-action-policy-adopt = 采用制度
audit-action-policy-drop = 停用制度
entity-org_policies = 本机构使用的制度
col-adopted = 本机构使用
policy-adopt = 采用
policy-drop = 停用
policy-adopted-by = { $by } 于 { $at } 采用
policies-adopted-none = 本机构尚未选定使用的制度，各页面列出目录中的全部制度。采用后，结算、考核、测算等页面只列出本机构使用的制度。
policies-adopted-some = 结算、考核、测算等页面只列出本机构使用的制度（共 { $n } 个）。
whatif-no-changes = 请写出要改变的参数：每行一个 名称=数值。
nav-inbox = 收件箱
inbox-count = 待处理 { $n } 项
inbox-tasks = 待我处理
inbox-notices = 通知
inbox-unread = { $n } 条未读
inbox-read = 标为已读
inbox-read-all = 全部标为已读
inbox-no-tasks = 没有等待您处理的事项。
inbox-no-notices = 还没有通知。
task-dispute = 申诉 #{ $id }：{ $manager } 对第 { $run } 批（{ $run_period }）“{ $item }”提出申诉，待您处理
task-transfer = 移交申请 #{ $id }：客户 { $client } 从 { $from } 移交给 { $to }（{ $on } 起），待您审批
task-claim = 认领申请 #{ $id }：{ $manager } 认领客户 { $client }（份额 { $share }），待您审批
task-run = 第 { $run } 批结算（{ $period }）已提交复核，待您审批
task-proposals = 考核 #{ $run }（{ $period }）有 { $count } 条建议待审批
inbox-dispute-accepted = 您对第 { $run } 批（{ $run_period }）“{ $item }”的申诉已由 { $by } 受理：在 { $period } 调整 { $amount } 元
inbox-dispute-rejected = 您对第 { $run } 批（{ $run_period }）“{ $item }”的申诉已被 { $by } 驳回：{ $decision }
inbox-transfer-approved = 客户 { $client } 从 { $from } 移交给 { $to }（{ $on } 起）已由 { $by } 批准
inbox-transfer-rejected = 客户 { $client } 从 { $from } 移交给 { $to } 的申请已被 { $by } 驳回：{ $decision }
inbox-claim-approved = { $manager } 对客户 { $client } 的认领（份额 { $share }，{ $on } 起）已由 { $by } 批准
inbox-claim-rejected = { $manager } 对客户 { $client } 的认领已被 { $by } 驳回：{ $decision }
inbox-run-approved = 第 { $run } 批结算（{ $period }）已由 { $by } 审批
example = 例如 { $value }
msg-amount-invalid = “{ $value }”不是金额：请以元为单位，最多两位小数，例如 100 或 -25.50。
statement-print = 打印
statement-attainment = 目标完成率
statement-previous = 上期
statement-find-account = 查找账户
statement-accounts = { $n } 个账户
statement-subtotal = 小计
statement-period-days = 本期天数
rate-grid-link = 评分表：一次为所有可评对象打分
rate-grid-title = 评分表
rate-grid-help = 每行一位被评人，每列一个评分项；清空已保存的分数即撤回。考核审批后不再能改。
rate-progress = 已评 { $done } / { $total }
rate-not-yours = 该政策不设{ $relation }：您不能为自己评分。
rate-approved = 本期考核已由 { $by } 于 { $at } 审批，评分不再能改。
rate-grid-empty = 您在本政策下没有可评分的对象。
msg-rate-no-scorecard = 制度 { $policy } 没有适用于 { $period } 这类期间的考核表。
msg-rate-not-allowed = 制度 { $policy } 不设{ $relation ->
    [self] 自评
    [superior] 上级评分
   *[other] { $relation }评分
}：您不能为 { $manager } 评分。
msg-rate-unknown-item = “{ $item }”不是考核表 { $scorecard } 中由评分人打分的项目。
msg-score-out-of-range = { $manager } 的“{ $item }”：{ $value } 超出 0…{ $max }。
msg-score-invalid = “{ $item }”：“{ $value }”不是分数。
msg-rate-period-approved = { $period } 的考核已由 { $by } 于 { $at } 审批，评分不再能改。
audit-action-inbox-read = 标为已读
audit-action-rate-withdraw = 撤回评分
audit-action-claim = 认领申请
audit-action-forbidden = 越权访问被拒
audit-action-csrf_rejected = 跨站请求被拒
entity-inbox_reads = 收件箱已读标记
assess-show-all = 全部建议
assess-changes-only = 只看有变化的（{ $n }）
assess-approve-selected = 批准勾选的建议
assess-approve-selected-confirm = 以所填生效日批准勾选的建议？批准后等级变动写入履历。
assess-tick = 勾选
audit-from = 自
audit-to = 至
import-file-bad = { $file } 无法读取，未写入任何数据：
dash-trend-few = 目前只有 { $n } 期结算：每结算一期，这里多一根柱。
whatif-percent-help = 可按数值改（名称=数值），也可按百分比改参数（带正负号）：
whatif-parameter = 参数
whatif-current-value = 现行值
whatif-range = 允许范围
whatif-by-unit = 按机构的变化
whatif-people = 人数

## The statement as a PDF
statement-pdf = 下载 PDF
statement-pdf-head = { $organisation } · 期间 { $period } · 第 { $run } 次结算 · 政策 { $policy } · 状态：{ $status }
statement-pdf-approved = 审批：{ $by }（{ $at }）
statement-pdf-draft = 草稿：第 { $run } 次结算尚未审批锁定，金额以锁定后的结算为准。
statement-pdf-lines = 薪酬项目
statement-pdf-accounts = 来源账户（按产品）
statement-pdf-count = 账户数
statement-pdf-generated = 生成于 { $at }，操作人 { $by }。金额单位：元。
statement-pdf-page = 第 { $page } 页 / 共 { $pages } 页
col-measure = 指标
col-actual = 实际
col-target = 目标
col-completion = 完成率
col-product = 产品

## What-if scenarios
whatif-scenarios = 已保存的测算方案
whatif-scenario-name = 方案名称
whatif-scenario-placeholder = 如：增量计酬比例上调 10%
whatif-save = 保存为方案
whatif-scenario-saved = 方案「{ $name }」，由 { $by } 于 { $at } 保存；以下为保存时的测算结果。
whatif-export = 导出 Excel
whatif-delete = 删除方案
whatif-delete-confirm = 删除方案「{ $name }」？
whatif-sheet-managers = 按客户经理
whatif-sheet-units = 按机构
whatif-sheet-grades = 按等级
whatif-export-title = 测算方案：{ $name }
whatif-export-org = 机构：{ $organisation }
whatif-export-run = 政策 { $policy } · 期间 { $period }
whatif-export-saved = 保存：{ $by }（{ $at }）
whatif-export-changes = 参数调整：{ $changes }
msg-scenario-gone = 方案 #{ $id } 不存在（已删除或从未保存）。
msg-scenario-name-invalid = 请为方案起一个 1 至 { $max } 个字的名称。
msg-scenario-name-taken = 已有名为「{ $name }」的方案（由 { $by } 于 { $at } 保存），请换一个名称。
msg-scenario-not-yours = 方案 #{ $id } 由 { $by } 保存，只有本人或绩效管理员可以删除。
msg-not-allowed = { $user } 的角色无权进行此操作。
advice-no-policy = 本机构使用的政策中没有带建议书模板的投资建议政策（[advice] 与 [advice.letter]，如 ccb-advice）：请绩效管理员在“政策”页采用一个。

## Someone else did it first (the store's coded conflicts)
msg-done-at-same-moment = 他人刚刚同时做了同样的操作：请刷新页面查看结果。
msg-decided-already = { $table ->
    [transfer_requests] 移交申请
    [disputes] 申诉
    [assessment_results] 晋降级建议
    [ownership_claims] 认领申请
    [agreement_requests] 协议价申请
   *[other] 记录
} #{ $key } 已由 { $by } 于 { $at } 处理（{ $status ->
    [approved] 已批准
    [rejected] 已驳回
    [accepted] 已受理
    [decided] 已决定
    [cancelled] 已撤回
   *[other] { $status }
}）。
msg-request-open = { $kind ->
    [transfer] 客户 { $client } 已有待审批的移交申请 #{ $id }
    [agreement] 客户 { $client } 已有待审批的协议价申请 #{ $id }
   *[claim] { $manager } 对客户 { $client } 已有待审批的认领申请 #{ $id }
}（{ $by } 于 { $at } 提出）：请先处理那一笔。
msg-request-open-now = { $kind ->
    [transfer] 客户 { $client } 刚有一笔移交申请被他人同时提出
    [agreement] 客户 { $client } 刚有一笔协议价申请被他人同时提出
   *[claim] { $manager } 对客户 { $client } 的认领申请刚被同时提出
}：请刷新后处理那一笔。
msg-line-disputed = { $manager } 在第 { $run } 批结算中的“{ $item }”已有申诉 #{ $id }（{ $by } 提出）：请等待处理结果。
msg-line-disputed-now = { $manager } 在第 { $run } 批结算中的“{ $item }”刚被同时提出申诉：请等待处理结果。
msg-adjustment-exists = 申诉 #{ $id } 的调整已经记录。
msg-proposal-decided = 第 { $run } 次考核中 { $manager } 的建议已经{ $status ->
    [approved] 审批通过
    [rejected] 驳回
   *[other] 处理（{ $status }）
}。
msg-step-signed = { $manager } 的建议的“{ $step }”一步已由 { $by } 于 { $at } 签署。
msg-step-signed-meanwhile = { $manager } 的建议的“{ $step }”一步刚被他人签署：请刷新查看。
msg-proposals-none-open = 第 { $run } 次考核没有待审批的建议：已经审批过了。
msg-reconciliation-overridden = { $period } 的对账已由 { $by } 于 { $at } 特批：{ $reason }
msg-reconciliation-overridden-now = { $period } 的对账刚被他人同时特批：请刷新查看。
msg-period-locked-now = { $period } 刚被他人同时锁定：请刷新查看。
msg-register-exists = { $manager } 已有这条记录（{ $key }）。
msg-register-changed = { $manager } 的这条记录（{ $key }）刚被他人修改：请刷新后再看。
msg-owner-changed = { $manager } 在 { $on } 已不再管户客户 { $client }：申请提出后管户关系已有变化。
msg-claim-owned-meanwhile = 客户 { $client } 在 { $on } 已由 { $owners } 管户（另一笔认领先获批准）：请驳回认领申请 #{ $id }，或由申请人改为申请分成。
msg-claim-nobody-owns = 客户 { $client } 在 { $on } 已无人管户：请驳回认领申请 #{ $id }，改为认领整个客户。
msg-outing-returned = { $manager } 的外出登记 { $outing } 已于 { $at } 登记返回。
msg-log-signed = { $manager } { $date } 的工作日志已由 { $by } 于 { $at } 签阅。
msg-period-locked-meanwhile = 计算期间有期间被锁定：请重新结算。

## Import row reasons
import-reason-required = 此处必须填写
import-reason-required-one-of = 此处必须填写，可填：{ $choices }
import-reason-not-one-of = 不是可接受的值，可填：{ $choices }
import-reason-not-whole-number = 不是整数（例如 12）
import-reason-not-yes-no = 不是“是/否”值：请填 是 或 否（也可填 true 或 false）
import-reason-id-empty = 编号为空
import-reason-id-too-long = 编号超过 64 个字符
import-reason-id-control = 编号含有控制字符
import-reason-number-empty = 数值为空
import-reason-number-invalid = 不是数字：只用数字、小数点和负号，例如 2936025.64
import-reason-number-separators = 千分位逗号的位置不对：请写成 2,936,025.64 或 2936025.64
import-reason-number-too-large = 数字位数过多，无法精确保存（最多 28 位有效数字）
import-reason-amount-too-precise = 金额最多保留两位小数（精确到分），此处为 { $value }
import-reason-amount-out-of-range = 金额超出可处理的范围
import-reason-ratio-out-of-range = 比例须大于 0 且不超过 1（例如 0.6），此处为 { $value }
import-reason-period-invalid = “{ $value }”不是期间：请写成 2026-09、2026-Q3、2026-H2 或 2026
import-reason-date-invalid = 不是日期：请按 YYYY-MM-DD 填写，例如 2026-09-16
import-reason-date-not-in-calendar = { $value } 不是日历上存在的日期
import-reason-timestamp-invalid = 不是时间：请按 YYYY-MM-DD HH:MM 填写，例如 2026-09-16 18:30
import-reason-time-invalid = “{ $value }”不是有效的时刻：请按 HH:MM 填写，例如 18:30
import-reason-too-many-fields = 本行有 { $fields } 个字段，表头只有 { $header_fields } 个：可能某个值含有逗号却没有加引号，或表头少了一列。请给这样的值加上引号（"1,000"），或在表头补上这一列
import-reason-nul-characters = 单元格含有 NUL 字符（显示为 ␀），无法保存：请删除这些字符
import-reason-spreadsheet-error = 单元格显示的是公式错误：请修正公式（或直接填写数值），让单元格显示一个值
import-reason-own-parent = 机构不能以自身为上级机构
import-reason-rank-required = 此处必须填写（在职级序列中的位次，数字越大级别越高）
import-reason-negative-base-salary = 基本工资不能为负数
import-reason-left-before-hired = 离职日期早于入职日期 { $hired }
import-reason-loan-card-chars = 贷款卡号只能包含字母和数字
import-reason-currency-invalid = 币种须为 3 位字母的 ISO 代码，例如 CNY 或 USD
import-reason-negative-term = 期限不能为负数
import-reason-closed-before-opened = 销户日期早于开户日期 { $opened }
import-reason-ends-before-starts = 结束日期早于开始日期 { $from }
import-reason-negative-target = 目标值不能为负数
import-reason-tally-not-month = 统计数按月记录：请写成 2013-08 这样的月份
import-reason-self-rating-relation = 评分人给自己打分时，关系须为“自评”（self）
import-reason-self-needs-same-rater = 关系为“自评”（self）时，评分人编号（rater_id）须与客户经理编号（manager_id）相同
import-reason-dispute-item-reserved = “申诉 #…”是申诉裁决写入的调整项名称：请给这项调整另起名称
import-reason-total-reserved = total 是保留名称，表示客户经理各项之和：请给这项调整另起名称（例如 调整 或 奖励）
import-reason-spot-check-invalid = 抽查结果只能是“属实”（confirmed）或“串通”（collusive）；未抽查的预约请留空
import-reason-report-not-month = 报告按月填写：请写成 2026-09 这样的月份
import-reason-outing-back-before-left = 早于外出时间（{ $left }），请核对时间
import-reason-signature-needs-signer = 有签字时间就必须有签字人：请填写 signed_by
import-reason-signed-before-log-day = 签字时间早于日志当天（{ $day }）
import-reason-done-long-before-due = 完成日期比到期日（{ $due }）早一年以上，请核对日期
import-reason-prospect-needs-converted-on = 已成交的潜在客户须填写成交日期（converted_on）
import-reason-converted-before-first-contact = 成交日期早于首次接触日期（{ $first }）
import-reason-working-required = 此处必须填写：调休上班日填 是（true），节假日填 否（false）
import-reason-risk-level-invalid = 请填写产品风险等级 R1 至 R5
import-reason-risk-level-required = 此处必须填写（R1 至 R5）
import-reason-term-out-of-range = 期限须为 0 至 1200 个月
import-reason-negative-min-amount = 起购金额不能为负数
import-reason-finance-kind-invalid = 请填写 收入、支出、资产 或 负债（income、expense、asset、liability）
import-reason-negative-finance-amount = 金额不能为负数：支出请填正数并选类型“支出”，欠款请记为“负债”
import-reason-goal-amount-not-positive = 理财目标的金额须大于零
import-reason-negative-holding = 持有金额不能为负数
import-reason-duplicate-product = 该产品重复出现：每个产品只保留一行
import-reason-unknown-product = 该产品不在产品表（products.csv）中：请先把它加入产品货架
import-reason-duplicate-key = 主键重复：与第 { $first } 行相同，请只保留其中一行
import-reason-duplicate-balance = 主键重复：账户和日期与第 { $first } 行相同，请只保留其中一行
import-reason-unknown-account = 账户不存在：请先在账户表中导入
import-reason-unknown-client = 客户不存在：请先在客户表中导入
import-reason-unknown-manager = 客户经理不存在：请先在客户经理表中导入
import-reason-unknown-org-unit = 机构不存在：请先在机构表中导入
import-reason-unknown-track = 类别不存在：请先在类别表中导入
import-reason-unknown-parent-unit = 上级机构不存在：请在本文件中列出它，或先导入它
import-reason-grade-not-in-ladder = 不是类别 { $track } 的等级：该类别的等级有 { $grades }
import-reason-account-of-other-client = 该账户属于其他客户，不属于 { $client }
import-reason-ownership-duplicate = { $subject_kind ->
        [account] 账户
       *[client] 客户
    } { $subject }：客户经理 { $manager } 自 { $from } 起出现了两次，请只保留一行
import-reason-ownership-rewrites-history = { $subject_kind ->
        [account] 账户
       *[client] 客户
    } { $subject }：自 { $new_from } 起的新版本会改写历史：管户台账已记录 { $manager } 在 { $recorded } 的管户；变更只能在最后一次记录的起始日之后生效
import-reason-ownership-sum = { $subject_kind ->
        [account] 账户
       *[client] 客户
    } { $subject }：{ $days } 的分配比例合计为 { $sum }，不等于 1（{ $shares }）；同一对象每天的比例都必须恰好合计为 1
import-reason-ownership-overlap = { $subject_kind ->
        [account] 账户
       *[client] 客户
    } { $subject }：客户经理 { $manager } 有两个时间重叠的版本（{ $a } 与 { $b }）；请先结束其中一个，再开始另一个
advice-reassess-more = 共 { $count } 位客户需要重新评估，以上是最早到期的 { $shown } 位。
import-reason-columns-missing = 第 1 行（表头）：缺少 { $table } 表的必填列 { $missing }；表头现有：{ $found }。
import-reason-columns-duplicate = 列“{ $first }”和“{ $second }”都对应 { $column }：请只保留一列。
import-reason-not-utf8 = 第 { $line } 行不是 UTF-8 编码：文件大概是中文 Excel 保存的 GBK（GB18030）。请另存为“CSV UTF-8”后再导入（命令行可加 --encoding gbk）。
import-reason-mixed-encodings = 文件混用了编码：第 { $utf8 } 行是 UTF-8，第 { $other } 行不是（大概是 GBK）。请把整个文件存为同一种编码（“CSV UTF-8”）后再导入。
import-reason-file-empty = 文件是空的：需要一行表头（如 { $example }）和数据行。
import-reason-sheet-empty = 工作表是空的：需要一行表头和数据行。
import-reason-no-data-rows = 文件只有表头，没有数据行，没有可导入的内容。
import-reason-sheet-not-found = 工作簿中没有名为 { $sheet }（{ $table }）的工作表；现有工作表：{ $sheets }。请把要导入的工作表改名为 { $sheet } 或 { $table }，或只保留这一张工作表（命令行可用 --sheet 指定）。
import-reason-xls-not-read = 不读取旧版 Excel 97-2003 工作簿（.xls）：请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV UTF-8）后导入。
