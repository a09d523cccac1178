# kejing — English
app-name = kejing
app-tagline = Customer-manager system: grading, assessment, pay and management
skip-to-content = Skip to content
nav-label = Main navigation
nav-dashboard = Dashboard
nav-managers = Customer managers
nav-clients = Clients & ownership
nav-transfers = Transfers
nav-settlement = Settlement
nav-disputes = Disputes
nav-imports = Imports
nav-whatif = What-if
nav-policies = Policies
nav-audit = Audit log
nav-password = Password
nav-menu = Menu
nav-logout = Log out
role-manager = Customer manager
role-team_head = Team head
role-branch_head = Branch head
role-admin = Performance office
role-auditor = Auditor
status-open = Open
status-accepted = Accepted
status-rejected = Rejected
status-approved = Approved
login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
error-title = Something went wrong
error-back = Back
error-login-required = Please log in first.
error-session-expired = Your session has expired. Please log in again.
error-wrong-password = Wrong user name or password, or the account is locked for a while after repeated failures.
error-busy = The server is busy checking other sign-ins; try again in a moment.
error-too-many-attempts = Too many sign-in attempts from this address; wait up to 15 minutes, or ask an administrator.
error-locked = Too many failed logins: the account is locked for 15 minutes.
error-forbidden = You may not do or see this. The attempt has been recorded.
error-not-found = There is no such page or record.
error-invalid = The input is not valid; nothing was changed.
error-conflict = Someone else already decided or did this; nothing was changed. Reload to see the current state.
error-internal = Internal server error; nothing was changed. Please tell the administrator.
error-csrf = The security check failed (the form is stale or came from elsewhere); nothing was changed. Reload the page and try again.
error-double-submit = This form was already submitted once; it was not processed again.
error-nonce-missing = This form is missing its one-time field; reload the page and submit it again.
error-too-large = The upload is too large; nothing was changed.
error-upload-gone = This upload was already handled or has expired; please upload it again.
password-title = Change password
password-current = Current password
password-new = New password (at least 8 characters)
password-confirm = New password again
password-submit = Change
password-changed = Password changed; sessions on other devices were logged out.
password-wrong-current = The current password is wrong.
password-too-short = The new password needs at least 8 characters.
password-mismatch = The two new passwords differ.
dash-title = Dashboard
dash-no-runs = No settlement yet. Once the performance office settles a period, your pay and rank appear here.
dash-mine = My results
dash-pay = Pay { $period }
dash-previous = Previous ({ $period })
dash-completion = Target completion
dash-no-target = no target this period
dash-rank = Rank
dash-statement = Statement and reasons
dash-trend = Pay over the last 12 periods
dash-trend-caption = Each period's locked result, or its newest settlement while open (yuan).
dash-team = Team ({ $count })
dash-team-caption = Team pay { $period }, highest first
dash-distribution = Pay distribution (managers)
col-period = Period
col-manager = Manager ID
col-name = Name
col-unit = Unit
col-track = Track
col-grade = Grade
col-staff-grade = Staff grade
col-status = Status
col-hired = Hired on
col-effective = Effective on
col-rank = Rank
col-total = Total
col-sum = Sum
col-statement = Statement
col-client = Client ID
col-kind = Kind
col-owners = Owners × ratio
col-account = Account
col-ratio = Ratio
col-from = From
col-to = To
col-reason = Reason
col-decision = Decision
col-run = Run
col-policy = Policy
col-created = Settled at
col-actor = By
col-item = Item
col-amount = Amount (yuan)
col-note = Note
col-diff = Difference
col-row = Row
col-column = Column
col-value = Value
col-title = Title
col-frequency = Frequency
col-items = Items
col-cases = Test cases
col-at = At
col-action = Action
col-entity = Entity
col-key = Key
col-change = Change
wan = 10k yuan
show = Show
empty = Nothing here yet
cancel = Cancel
approve = Approve
reject = Reject
accept = Accept
filter-text = ID or name
filter-all = All
filter-apply = Filter
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-page = Page { $page } of { $pages }, { $total } rows
manager-history = Grade and status history
manager-pay = Pay by period
manager-clients = Clients owned today ({ $count })
manager-more-clients = All clients
clients-caption = Ownership on { $day }
client-owners = Owners on { $day }
client-history = Ownership history
client-level = client level
client-accounts = Accounts
transfer-request = Request a transfer
transfer-from = From manager
transfer-to = To manager
transfer-submit = Request transfer
transfers-help = Once approved, the receiving manager owns the client's share from the effective day; results before it stay with the previous manager.
import-upload = Upload a file
import-help = CSV (UTF-8 or GBK) or XLSX, at most 20 MB. The preview checks every row against the database; only a clean file can be committed, and nothing is written if any row is bad.
import-table = Table
import-file = File
import-preview = Preview
import-commit = Commit import
import-preview-ok = Preview passed: { $file } ({ $table }), { $rows } rows; { $written } would be written, { $unchanged } unchanged.
import-bad = { $file } has { $count } bad row(s); nothing was written. Fix them and upload again:
import-done = Imported { $table }: { $rows } rows read, { $written } written, { $unchanged } unchanged.
settle-run = Settle
compare = Compare two runs
compare-a = Base
compare-b = Compared
compare-summary = { $changed } manager(s) differ; total { $a } → { $b } (difference { $diff }).
compare-same = The two runs pay the same.
run-label = Run #{ $id }
run-locked = Approved and locked
run-open = Open
run-by = settled by { $actor } at { $at }
run-status-draft = Draft
run-status-submitted = Submitted for review
run-status-approved = Approved, to be locked
run-status-locked = Locked and paid
run-status-superseded = Superseded
run-steps = Review steps
run-step-settled = settled by { $who } at { $at }
run-step-submit = to be submitted for review
run-step-submitted = submitted for review by { $who } at { $at }
run-step-approve = to be approved by a second person
run-step-approved = approved by { $who } at { $at }
run-step-lock = to be locked and paid
run-step-locked = locked by { $who } at { $at }
run-superseded-note = This run is superseded (a newer run of the period exists, or the period is locked on another run): it can no longer be approved or locked.
run-submit = Submit for review
run-approve = Approve
run-approve-confirm = Once approved, the run can be locked and paid. Approve it?
run-approve-own = You ran or submitted this run: another user with the right to approve runs must approve it.
run-count = { $count } managers
lock-run = Lock and pay
lock-confirm = Once locked, this period's results never change; later corrections go into the next period. Lock it?
payroll-export = Export payroll table (XLSX)
payroll-sheet = Payroll
statement-title = Statement { $manager }
statement-trace = How it was computed
statement-trace-help = Every item opens down to the parameters used (with their dates and policy references), the tiers and the source rows.
statement-more-notes = { $count } more rows not shown (the API returns all of them).
dispute-raise = Dispute
dispute-submit = Raise dispute
dispute-adjust-period = Adjust in period
dispute-adjust-amount = Adjustment (yuan)
disputes-help = A customer manager may dispute any line of their own statement; an accepted dispute is paid as an adjustment in the open period named.
whatif-help = Change parameters and settle again on today's data: the impact per customer manager and in total. Nothing is written.
whatif-changes = Parameter changes (one a line)
whatif-changes-example = for example
whatif-changes-or = or
whatif-table = TABLE
whatif-row = N
whatif-value = VALUE
whatif-run = Simulate
whatif-parameters = Parameters you can change
whatif-result = What-if for { $period }
whatif-summary = { $changed } of { $count } managers affected (largest impact first, at most 200 shown).
whatif-current = Current
whatif-simulated = Simulated
whatif-nothing-written = A simulation changes no settlement, data or policy; saving it as a scenario keeps only this result.
policy-valid = Valid
policy-run-tests = Run test cases
policy-tests = Tests: { $passed } passed, { $failed } failed
policy-text = Policy text
nav-assessments = Assessment
assess-help = Scores each customer manager on the policy's scorecard (measured items computed, the others rated), ranks within the group the policy names, and proposes promote, keep, demote, dismiss or confirm by the grade rules. A proposal changes the grade only once the performance office approves it, from its effective day.
assess-run = Assess
assess-run-label = Assessment #{ $id }
assess-scorecard = Scorecard
assess-open = Proposals awaiting approval: { $count }
assess-approve-own = { $who } ran this assessment: another user with the right must approve its proposals.
assess-approve-all = Approve all proposals
assess-approve-confirm = Once approved, grades change from the effective day and the grade history records it. Approve?
assess-group = Ranked within
assess-score = Score
assess-decision = Proposal
assess-new-grade = Proposed grade
assess-approved = Approved, effective { $on }
assess-proposed = Awaiting approval
assess-rule = Rule
assess-dimension = Dimension
assess-standard = Scoring standard
assess-max = Maximum
assess-rated = rated
decision-promote = Promote
decision-keep = Keep
decision-demote = Demote
decision-dismiss = Dismiss
decision-confirm = Confirm
relation-self = self
relation-superior = superior
relation-peer = peer
relation-subordinate = subordinate
rate-title = Rate
rate-as = { $scorecard }: rating as { $rater } ({ $relation })
rate-save = Save scores
rate-saved = Saved { $count } scores.
rate-withdrawn = Withdrew { $count } scores.
rate-invalid = Some scores are not valid; nothing was saved:
rate-nothing = No score was entered.
rate-no-items = This scorecard has no items for raters.
payroll-title = { $org } payroll (提成工资表)
payroll-head-run = Period { $period } · settlement run #{ $run } · policy { $policy } ({ $hash })
payroll-head-status = Status: { $status } · settled: { $settled }
payroll-head-unapproved = Not approved yet
payroll-head-approved = Approved by { $by } ({ $at }) · locked by { $locked_by } { $locked_at }
payroll-subtotal = Subtotal { $unit }
payroll-total = Total
payroll-sign-made = Prepared by: { $who }
payroll-sign-reviewed = Reviewed by: { $who }
payroll-sign-approved = Approved by: { $who }
payroll-sign-line = Signature: ________  Date: ______
payroll-footer = Settlement run #{ $run } · kejing
payroll-draft = DRAFT (草稿): run #{ $run } is not approved and locked; do not pay from this sheet.

# Monthly reconciliation (月度对账, B3)
recon-title = Monthly reconciliation
recon-intro = Each customer manager's own tally beside the keeper's figures (the month's imported sales and payments). A month is settled only when they agree, or when an approver records why it may be paid as it stands.
recon-show = Show
recon-no-policy = No policy of this installation reconciles its months (a [reconciliation] section).
recon-agrees = Reconciled: every figure agrees
recon-differs = Not reconciled: { $count } difference(s); the month cannot be settled yet
recon-overridden = Overridden by { $by } at { $at }
recon-due = due by { $day }
recon-overdue = overdue
recon-measure = Measure
recon-keeper = Keeper
recon-own = Own tally
recon-line-agrees = Agrees
recon-line-differs = Differs
recon-line-missing = No tally
recon-override-reason = Why may the month be paid as it stands?
recon-override = Record override
settle-reconcile = Monthly reconciliation

# Agreement prices (协议价, C3)
nav-agreements = Agreement prices
agreements-help = No agreement price for individuals. The customer manager investigates the unit and asks; the department manager, not the one who asked, approves or rejects. Once approved the client is an agreement unit.
agreement-terms = Price terms
agreement-investigation = Investigation of the unit
agreement-request = Ask for approval
assess-sign = Sign: { $step }
assess-awaiting = Awaiting { $step }

# Daily management (日常管理)
nav-daily = Daily
col-date = Date
daily-my-day = My day
daily-team-day = Team's day
daily-breaches = Breaches
daily-open = Open
daily-briefing = Briefing
daily-none = none yet
daily-log = Work log
daily-log-signed = signed
daily-log-unsigned = not signed yet
daily-log-due = due today
daily-log-missing = missing
daily-week-new = New clients this week
daily-out-now = Out now
daily-left = left
daily-expected-back = Expected back
daily-back = I am back
daily-register-outing = Register an outing
daily-purpose = Purpose
daily-duty = I am today's duty manager
daily-visit-record = Visit record
daily-outing = Outing
daily-person = Person met
daily-department = Department
daily-title = Title
daily-expected-result = Wanted result
daily-outcome = Outcome
daily-info = Other information
daily-next-step = Next step
daily-save = Save
daily-write-log = Write today's log
daily-outings-today = Outings
daily-visits = Visits
daily-inbox = Due and overdue
daily-nothing-due = Nothing due or overdue
daily-as-of = as of
daily-not-back = not back
daily-overdue = overdue
daily-unsigned-logs = Logs waiting for your signature
daily-comment = Comment
daily-plan-next = Tomorrow's plan
daily-sign = Sign
daily-all-signed = Every log is signed
daily-no-policy = No policy of the folder has daily rules.
daily-by-rule = By manager and rule
daily-each = Each breach
daily-rule = Rule
daily-count = Count
daily-rules-count = By rule
daily-managers-count = Managers
daily-flagged-by = Flagged by rule
daily-detail = Detail
briefing-present = present
briefing-absent = absent
briefing-leave = on leave

# Ownership claims (认领)
nav-claims = Claims
claims-help = A customer manager claims a client nobody owns, or asks for a share of an owned one (taken from the owners in proportion; the shares always sum to 1). Someone other than the one who asked decides. Rival claims on one client are shown together: once one is approved, a claim on the whole client can no longer be. An agreement unit, or an old client coming back, does not count as a new client.
claim-share = Share
claim-request = Claim
claim-contested = rival claims
claim-owners = Owners on the day
claim-not-new = Not a new client
claim-agreement = agreement unit
claim-returning = old client returning
daily-new-prospect = New prospect or client
daily-prospect-name = Name
daily-stage = Stage
stage-prospect = prospect
stage-contacted = contacted
stage-client = became a client
daily-converted-on = Became a client on
daily-retail-visit = Retail visit
daily-stock = Stock
daily-sales-trend = Sales trend
daily-demand = Real demand
daily-listed-brands = Brands listed
daily-new-brand-packs = Packs of the new brand on display
daily-advice = Advice
daily-pipeline = My pipeline
daily-register = Register

# Investment-advice letters (F1–F2)
nav-letters = Advice letters
letters-help = The advice letters kept for clients in your scope, newest first: each as it was made, with the risk level and the products recommended.
advice-title = Investment advice
advice-help = The client's risk level, questionnaire, financial profile and the products their level allows; the letter is kept with everything it was made from.
advice-back = Back to the client
advice-risk = Risk level
advice-score = score
advice-allowed = may be sold
advice-capped = By score { $scored }, capped by:
advice-assessed = Assessed { $on }, valid until { $until }
advice-status-valid = valid
advice-status-due = due for re-assessment
advice-status-expired = expired
advice-questionnaire = Risk questionnaire
advice-assess = Assess
advice-profile = Financial profile
advice-item = Item
advice-kind = Kind
advice-kind-income = Income (a year)
advice-kind-expense = Expense (a year)
advice-kind-asset = Asset
advice-kind-liability = Liability
advice-surplus = Surplus a year
advice-net-worth = Net worth
advice-savings-rate = Savings rate
advice-liquidity = Liquidity (months)
advice-debt-ratio = Debt ratio
advice-needed = needed
advice-gap = gap
advice-no-profile = No assessment or finances yet: assess the client and add the profile's lines.
advice-add-line = Add or update a line
advice-goal = Goal
advice-due = Due on
advice-products = Products
advice-product = Product
advice-level = Risk level
advice-return = Expected return %
advice-make-letter = Make the letter
advice-date = Date
advice-made-by = Made by
advice-preview = Preview
advice-save = Save
advice-unsuitable = { $product } is above what level { $level } may be sold ({ $allowed }): it cannot be recommended
advice-not-assessed = No valid risk assessment: assess the client first
advice-reassess = Due for re-assessment
advice-reassess-help = Clients in your scope whose risk assessment expires within the policy's reminder period, or has expired: no letter can be made for them until they answer the questionnaire again.
transfer-choose = Choose who receives the client

## Coded messages of the application layer (kejing_app::error::CODES), with their parameters.
msg-own-request = { $thing ->
    [run] Settlement run #{ $id }
    [transfer] Transfer request #{ $id }
    [dispute] Dispute #{ $id }
    [claim] Ownership claim #{ $id }
    [agreement] Agreement request #{ $id }
    [assessment] The proposals of assessment run #{ $id }
   *[other] #{ $id }
} was made or asked for by { $by }: another user with the right must decide it.
msg-lock-no-run = { $period } has no settlement run to lock: run the settlement of { $period } first.
msg-lock-run-other-period = Run #{ $run } is not a run of { $period } for this organisation.
msg-dispute-reason-required = A dispute needs a reason: say what is wrong with the line.
msg-decision-reason-required = A decision needs a reason: say why it is accepted or rejected.
msg-adjustment-period-locked = { $period } is locked (run #{ $run }): pay the adjustment in an open period.
msg-manager-gone = Manager { $manager } is no longer in the managers table.
msg-override-reason-required = An override needs a reason: why may the month be paid unreconciled?
msg-override-period-locked = { $period } is locked (run #{ $run }): it was settled and approved already.
msg-assessment-run-unknown = There is no assessment run #{ $run }.
msg-assessment-no-result = Assessment run #{ $run } has no result for { $manager }.
msg-grade-not-on-ladder = Grade { $grade } is not on the ladder of track { $track } (grades table): the proposal cannot be approved; correct the policy's ladder or the grades table.
msg-step-unknown = { $manager }'s proposal has no step “{ $step }”; its steps are: { $steps }.
msg-step-out-of-order = Step “{ $step }” ({ $role }) of { $manager }'s proposal comes first.
msg-step-same-signer = { $actor } already signed step “{ $step }” of { $manager }'s proposal: each step is signed by someone else.
msg-run-not-submitted = Run #{ $run } has not been submitted for review: submit it first.
msg-run-superseded = Run #{ $run } of { $period } is superseded (a newer run of the period exists, or the period is locked on another run): it can no longer be approved or locked.
msg-run-locked = Run #{ $run } was already locked by { $by } at { $at }.
msg-run-done = Run #{ $run } was already { $step ->
    [submitted] submitted for review
   *[approved] approved
} by { $by } at { $at }.
msg-run-not-approved = Run #{ $run } is not approved: submit it for review and have a second user approve it before locking { $period }.

## How it was computed (the engine's trace codes; argument names in crates/engine/src/phrase.rs)
trace-account-line = account { $account } ({ $product }, { $currency }{ $rate ->
    [none] {""}
   *[other] , rate { $rate }
  }): Σ balance × ratio = { $sum } (ratio · days { $shares }); weight { $weight } → { $value }
trace-adjustment-label = { $item } (adjustment)
trace-average-label = average of the { $kind } scores
trace-award-first-reached = first reached in { $period }: award { $award } = { $amount }
trace-balances-average-label = { $name } (balances { $first } to { $last }, daily average)
trace-balances-label = { $name } (balances { $first } to { $last })
trace-before-data = { $period }: before the data starts; not counted
trace-before-hire = { $period }: before hire; not counted
trace-capped = capped at the item's maximum { $max }
trace-client-label = { $item } · client { $client } { $name }
trace-grade-rules = grade rules
trace-item-dimension = dimension { $dimension }, maximum { $max } (policy line { $line })
trace-item-dimension-standard = dimension { $dimension }, maximum { $max }; standard: { $standard } (policy line { $line })
trace-item-label = { $item } = { $expr }
trace-lookup-default = { $key } is not listed; default { $default }
trace-lookup-label = lookup { $table }({ $key })
trace-lookup-row = { $key } in the table in effect from { $from } ({ $reference }; policy line { $line })
trace-new-client = new client: first { $source } row on { $first_day } by { $manager }{ $since }
trace-no-rule-holds = no rule holds: the grade is kept
trace-not-in-post = { $period }: not in post; not counted
trace-parameter-effective = in effect from { $from } ({ $reference }; policy line { $line })
trace-parameter-label = { $name } (parameter)
trace-place-label = { $item }: place { $place } by { $by }
trace-rank-everyone-label = rank among everyone
trace-rank-label = rank within { $within } { $group }
trace-rated-label = { $item } (rated)
trace-rater-gave = { $source }: rater { $rater } gave { $score }
trace-relation-label = { $relation } × { $weight }
trace-returning-client = returning client: no { $source } from { $from } to { $to } ({ $days } days, more than { $limit }); not a new client
trace-rounded = rounded { $from } → { $to } ({ $mode ->
    [half_up] half up
    [half_even] half to even
    [down] down
    [up] up
   *[other] { $mode }
  }, step { $step })
trace-row-value = { $row } → { $value }
trace-rows-client-label = { $name } ({ $source } { $span }, client { $client })
trace-rows-excluded = { $count } row(s) of the period left out by the where condition
trace-rows-label = { $name } ({ $source } { $span })
trace-rule-label = { $decision ->
    [promote] promote
    [demote] demote
    [keep] keep
    [confirm] confirm
    [dismiss] dismiss
   *[other] { $decision }
  } when { $when }
trace-rule-line = policy line { $line }
trace-rule-line-reason = policy line { $line }: { $reason }
trace-score = score { $score }
trace-streak-call-label = periods in a row with { $cond }
trace-streak-item-label = { $item } = { $n } × { $step }
trace-streak-label = { $item } when { $when }
trace-streak-zero = { $item } (streak of 0 periods)
trace-sub-period = { $period }: { $total }
trace-target-default = no row in targets; default of measure { $name } (policy line { $line })
trace-target-label = { $name } (target { $measure })
trace-target-row = targets: { $manager } { $period } { $measure }
trace-threshold = { $measure }: { $before } at the end of { $previous }, { $now } at the end of { $period }; threshold { $at_least } = { $limit }
trace-tied = tied with { $others } other(s); { $ties ->
    [all] each gets the full award
   *[share] the award is shared
  }
trace-tier-label = tier { $table }({ $x })
trace-tier-row = tier { $row } (policy line { $line }), table in effect from { $from } ({ $reference })
trace-total-of = total = { $parts }
trace-total-rounded = rounded { $from } → { $to } (half up, { $decimals } decimals)
trace-value-label = { $name } = { $expr }
trace-weights-left-out = relations without ratings leave out their weight: Σ weight × mean / { $weights }
trace-when-no = when { $when }: no
trace-when-yes = when { $when }: yes
trace-yes = yes
trace-no = no
trace-show-exact = Show full precision
trace-show-short = Show usual precision

## Data tables (the data contract's table names)
table-org_units = Organisation units
table-tracks = Tracks
table-grades = Grades
table-managers = Customer managers
table-clients = Clients
table-accounts = Accounts
table-ownership = Ownership
table-balances = Balances
table-targets = Targets
table-sales = Deliveries
table-payments = Payments received
table-bookings = Bookings
table-scores = Ratings
table-tallies = Own tallies
table-calendar = Working calendar
table-briefings = Morning briefings
table-outings = Outings
table-visits = Visit records
table-work_logs = Work logs
table-prospects = Prospects
table-credit_register = Credit register
table-retail_visits = Retail visits
table-meetings = Meetings
table-action_items = Action items
table-reports = Report submissions
table-risk_answers = Risk questionnaires
table-products = Products
table-finances = Finances
table-goals = Financial goals
table-holdings = Holdings
table-adjustments = Adjustments

## Audit log: actions and entities
audit-action-add = added
audit-action-approve = approved
audit-action-assess = assessed
audit-action-close = closed
audit-action-create = created
audit-action-import = imported
audit-action-lock = locked
audit-action-login = signed in
audit-action-logout = signed out
audit-action-password = changed the password
audit-action-raise = raised
audit-action-rate = rated
audit-action-register = registered
audit-action-request = requested
audit-action-settle = settled
audit-action-sign = signed
audit-action-unlock = unlocked
audit-action-update = updated
audit-action-override_reconciliation = overrode a reconciliation
audit-action-letter-generate = generated a letter
audit-action-letter-refuse = refused a letter
audit-action-run-submit = submitted for review
audit-action-run-approve = approved the run
audit-action-accepted = accepted
audit-action-rejected = rejected
audit-action-approved = approved
audit-action-withdrawn = withdrawn
audit-action-cancelled = cancelled
entity-agreement = agreement price
entity-agreement_requests = agreement-price request
entity-assessment_results = assessment result
entity-assessment_runs = assessment run
entity-assessment_steps = assessment approval
entity-claim = claim
entity-client = client
entity-disputes = dispute
entity-letter = letter
entity-organisations = organisation
entity-period_locks = period lock
entity-reconciliation_overrides = reconciliation override
entity-run = settlement run
entity-settlement_runs = settlement run
entity-transfer_requests = transfer request
entity-ownership_claims = ownership claim
entity-users = user
list-sep = { ", " }
msg-client-not-in-scope = Client { $client } is not owned by anyone in your scope on { $on }.
trace-daily-count-over = { $first } to { $last }: { $register } { $total } (at most { $bound }){ $rows }
trace-daily-count-short = { $first } to { $last }: { $register } { $total } (at least { $bound }){ $rows }
trace-daily-no-linked = { $row }; no { $register } with { $field } { $key }
trace-daily-no-row = no { $register } row for { $span }
frequency-monthly = monthly
frequency-quarterly = quarterly
frequency-half_yearly = half-yearly
frequency-annual = annual
policy-summary = { $parameters } parameter(s), { $tiers } tier table(s), { $measures } measure(s), { $values } value(s), { $items } item(s), { $cases } test case(s)
msg-period-missing = Give a period, such as { $example }.
msg-period-invalid = “{ $value }” is not a period: write it as { $example }.
msg-period-wrong-frequency = Policy { $policy } settles { $frequency ->
    [monthly] monthly
    [quarterly] quarterly
    [half_yearly] half-yearly
   *[annual] annual
} periods: give a period such as { $example }, not { $value }.
msg-policy-unknown = The policies folder has no policy “{ $policy }”: choose one from the list.
msg-policy-already-adopted = Policy { $policy } was already adopted for this organisation by { $by } at { $at }.
msg-policy-not-adopted = Policy { $policy } is not in use by this organisation (someone may have dropped it already).
settle-no-policies = This organisation has no policy that settles pay: choose the policies it uses on the Policies page.
audit-action-policy-adopt = adopted a policy
audit-action-policy-drop = dropped a policy
entity-org_policies = policies in use
col-adopted = In use here
policy-adopt = Adopt
policy-drop = Drop
policy-adopted-by = adopted by { $by } at { $at }
policies-adopted-none = This organisation has not chosen its policies yet, so every page lists all policies of the folder. Once some are adopted, settlement, assessment and what-if list only those.
policies-adopted-some = Settlement, assessment and what-if list only the policies this organisation uses ({ $n }).
whatif-no-changes = Say what changes: one NAME=VALUE per line.
nav-inbox = Inbox
inbox-count = { $n } waiting
inbox-tasks = Waiting for me
inbox-notices = Notices
inbox-unread = { $n } unread
inbox-read = Mark read
inbox-read-all = Mark all read
inbox-no-tasks = Nothing waits for you.
inbox-no-notices = No notices yet.
task-dispute = Dispute #{ $id }: { $manager } disputes “{ $item }” of run { $run } ({ $run_period }), waiting for you
task-transfer = Transfer request #{ $id }: client { $client } from { $from } to { $to } (from { $on }), waiting for your decision
task-claim = Claim #{ $id }: { $manager } claims client { $client } (share { $share }), waiting for your decision
task-run = Run { $run } ({ $period }) was submitted for review and waits for your approval
task-proposals = Assessment #{ $run } ({ $period }) has { $count } proposals waiting for approval
inbox-dispute-accepted = Your dispute on “{ $item }” of run { $run } ({ $run_period }) was accepted by { $by }: { $amount } adjusted in { $period }
inbox-dispute-rejected = Your dispute on “{ $item }” of run { $run } ({ $run_period }) was rejected by { $by }: { $decision }
inbox-transfer-approved = Client { $client } moves from { $from } to { $to } (from { $on }): approved by { $by }
inbox-transfer-rejected = The transfer of client { $client } from { $from } to { $to } was rejected by { $by }: { $decision }
inbox-claim-approved = { $manager }'s claim on client { $client } (share { $share }, from { $on }) was approved by { $by }
inbox-claim-rejected = { $manager }'s claim on client { $client } was rejected by { $by }: { $decision }
inbox-run-approved = Run { $run } ({ $period }) was approved by { $by }
example = e.g. { $value }
msg-amount-invalid = “{ $value }” is not an amount: write yuan with at most two decimals, such as 100 or -25.50.
statement-print = Print
statement-attainment = Target attainment
statement-previous = Last period
statement-find-account = Find an account
statement-accounts = { $n } accounts
statement-subtotal = subtotal
statement-period-days = days in the period
rate-grid-link = Rating grid: score everyone you rate at once
rate-grid-title = Rating grid
rate-grid-help = One row per person rated, one column per item; empty a saved score to withdraw it. Once the assessment is approved, scores no longer change.
rate-progress = Rated { $done } / { $total }
rate-not-yours = This policy has no { $relation } rating: you do not rate yourself.
rate-approved = The assessment of this period was approved by { $by } at { $at }: scores no longer change.
rate-grid-empty = You rate no one under this policy.
msg-rate-no-scorecard = Policy { $policy } has no scorecard for a period like { $period }.
msg-rate-not-allowed = Policy { $policy } has no { $relation ->
    [self] self-rating
    [superior] superior's rating
   *[other] { $relation } rating
}: you may not rate { $manager }.
msg-rate-unknown-item = “{ $item }” is not an item raters score on scorecard { $scorecard }.
msg-score-out-of-range = { $item } of { $manager }: { $value } is outside 0…{ $max }.
msg-score-invalid = { $item }: “{ $value }” is not a score.
msg-rate-period-approved = The assessment of { $period } was approved by { $by } at { $at }: its scores no longer change.
audit-action-inbox-read = marked notices read
audit-action-rate-withdraw = withdrew a score
audit-action-claim = claim requested
audit-action-forbidden = access refused
audit-action-csrf_rejected = cross-site request refused
entity-inbox_reads = inbox read marks
assess-show-all = All proposals
assess-changes-only = Changes only ({ $n })
assess-approve-selected = Approve the ticked proposals
assess-approve-selected-confirm = Approve the ticked proposals from the effective day given? Their grade changes go into the history.
assess-tick = tick
audit-from = From
audit-to = To
import-file-bad = { $file } cannot be read; nothing was written:
dash-trend-few = Only { $n } settled period so far: each period settled adds a bar here.
whatif-percent-help = Change a parameter by value (NAME=VALUE) or by a signed percentage:
whatif-parameter = Parameter
whatif-current-value = Current value
whatif-range = Allowed range
whatif-by-unit = Change by unit
whatif-people = People

## The statement as a PDF
statement-pdf = Download PDF
statement-pdf-head = { $organisation } · period { $period } · settlement run #{ $run } · policy { $policy } · status: { $status }
statement-pdf-approved = Approved by { $by } ({ $at })
statement-pdf-draft = DRAFT: settlement run #{ $run } is not approved and locked yet; the locked run's amounts are the ones paid.
statement-pdf-lines = Pay items
statement-pdf-accounts = Source accounts by product
statement-pdf-count = Accounts
statement-pdf-generated = Generated { $at } by { $by }. Amounts in yuan.
statement-pdf-page = page { $page } of { $pages }
col-measure = Measure
col-actual = Actual
col-target = Target
col-completion = Attainment
col-product = Product

## What-if scenarios
whatif-scenarios = Saved scenarios
whatif-scenario-name = Scenario name
whatif-scenario-placeholder = e.g. incremental rate up 10%
whatif-save = Save as scenario
whatif-scenario-saved = Scenario “{ $name }”, saved by { $by } at { $at }; the result below is as computed when saved.
whatif-export = Export to Excel
whatif-delete = Delete scenario
whatif-delete-confirm = Delete scenario “{ $name }”?
whatif-sheet-managers = By manager
whatif-sheet-units = By unit
whatif-sheet-grades = By grade
whatif-export-title = What-if scenario: { $name }
whatif-export-org = Organisation: { $organisation }
whatif-export-run = Policy { $policy } · period { $period }
whatif-export-saved = Saved by { $by } ({ $at })
whatif-export-changes = Changes: { $changes }
msg-scenario-gone = Scenario #{ $id } is not there (deleted, or never saved).
msg-scenario-name-invalid = Give the scenario a name of 1 to { $max } characters.
msg-scenario-name-taken = A scenario named “{ $name }” is already saved (by { $by } at { $at }); choose another name.
msg-scenario-not-yours = Scenario #{ $id } was saved by { $by }; only they or an administrator can delete it.
msg-not-allowed = { $user }'s role may not do this.
advice-no-policy = None of the policies your organisation uses has investment advice with a letter template ([advice] and [advice.letter], e.g. ccb-advice): the performance office adopts one on the Policies page.

## Someone else did it first (the store's coded conflicts)
msg-done-at-same-moment = Someone else did the same at the same moment: reload the page to see it.
msg-decided-already = { $table ->
    [transfer_requests] Transfer request
    [disputes] Dispute
    [assessment_results] Grade proposal
    [ownership_claims] Ownership claim
    [agreement_requests] Agreement-price request
   *[other] Record
} #{ $key } was already decided by { $by } at { $at } ({ $status ->
    [approved] approved
    [rejected] rejected
    [accepted] accepted
    [decided] decided
    [cancelled] withdrawn
   *[other] { $status }
}).
msg-request-open = { $kind ->
    [transfer] Client { $client } already has an open transfer request #{ $id }
    [agreement] Client { $client } already has an open agreement-price request #{ $id }
   *[claim] { $manager } already has an open claim #{ $id } on client { $client }
} (asked by { $by } at { $at }): decide that one first.
msg-request-open-now = { $kind ->
    [transfer] A transfer request for client { $client } was made by someone else at the same moment
    [agreement] An agreement-price request for client { $client } was made by someone else at the same moment
   *[claim] A claim of { $manager } on client { $client } was made at the same moment
}: reload and decide that one.
msg-line-disputed = The line “{ $item }” of { $manager } on settlement run #{ $run } is already disputed (#{ $id }, raised by { $by }): wait for its decision.
msg-line-disputed-now = The line “{ $item }” of { $manager } on settlement run #{ $run } was disputed at the same moment: wait for its decision.
msg-adjustment-exists = Dispute #{ $id } already has its adjustment.
msg-proposal-decided = The proposal of { $manager } in assessment run #{ $run } is already { $status ->
    [approved] approved
    [rejected] rejected
   *[other] { $status }
}.
msg-step-signed = The step “{ $step }” of { $manager }'s proposal was already signed by { $by } at { $at }.
msg-step-signed-meanwhile = The step “{ $step }” of { $manager }'s proposal was signed by someone else meanwhile: reload to see it.
msg-proposals-none-open = Assessment run #{ $run } has no open proposal: they were already approved.
msg-reconciliation-overridden = The reconciliation of { $period } was already overridden by { $by } at { $at }: { $reason }
msg-reconciliation-overridden-now = The reconciliation of { $period } was overridden by someone else at the same moment: reload to see it.
msg-period-locked-now = { $period } was locked by someone else at the same moment: reload to see it.
msg-register-exists = { $manager } already has this record ({ $key }).
msg-register-changed = { $manager }'s record ({ $key }) was changed by someone else a moment ago: reload and look again.
msg-owner-changed = { $manager } no longer owns client { $client } on { $on }: the ownership changed since the request.
msg-claim-owned-meanwhile = Client { $client } is owned on { $on } by { $owners } since this claim was made (another claim was approved first): reject claim #{ $id }, or the claimant asks for a share.
msg-claim-nobody-owns = Nobody owns client { $client } on { $on } any more: reject claim #{ $id } and claim the whole client.
msg-outing-returned = Outing { $outing } of { $manager } was already recorded back at { $at }.
msg-log-signed = The log of { $manager } for { $date } was already signed by { $by } at { $at }.
msg-period-locked-meanwhile = A period was locked while this run was computed: run the settlement again.

## Import row reasons
import-reason-required = a value is required here
import-reason-required-one-of = a value is required here: write one of { $choices }
import-reason-not-one-of = not an accepted value: write one of { $choices }
import-reason-not-whole-number = not a whole number (e.g. 12)
import-reason-not-yes-no = not a yes/no value (write true or false, 是 or 否)
import-reason-id-empty = empty identifier
import-reason-id-too-long = identifier longer than 64 characters
import-reason-id-control = identifier contains a control character
import-reason-number-empty = empty value
import-reason-number-invalid = not a decimal number (use digits with an optional '.' and '-', e.g. 2936025.64)
import-reason-number-separators = thousands separators are misplaced (write 2,936,025.64 or 2936025.64)
import-reason-number-too-large = too many digits for an exact decimal (at most 28 significant digits)
import-reason-amount-too-precise = an amount has at most two decimals (fen); got { $value }
import-reason-amount-out-of-range = amount out of range
import-reason-ratio-out-of-range = a ratio is greater than 0 and at most 1 (e.g. 0.6); got { $value }
import-reason-period-invalid = not a period: "{ $value }" (write 2026-09, 2026-Q3, 2026-H2 or 2026)
import-reason-date-invalid = not a date: write YYYY-MM-DD, e.g. 2026-09-16
import-reason-date-not-in-calendar = { $value } is not a day of the calendar
import-reason-timestamp-invalid = not a time stamp: write YYYY-MM-DD HH:MM, e.g. 2026-09-16 18:30
import-reason-time-invalid = "{ $value }" is not a time of day: write HH:MM, e.g. 18:30
import-reason-too-many-fields = row has { $fields } fields, the header has { $header_fields }: a value holds a comma but is not in quotes, or the header lacks a column; put such a value in quotes ("1,000") or add the column to the header
import-reason-nul-characters = the cell holds NUL characters (shown as ␀), which cannot be stored: remove the NUL characters
import-reason-spreadsheet-error = the cell holds a spreadsheet error: fix the formula (or type the value) so that the cell shows a value
import-reason-own-parent = a unit cannot be its own parent
import-reason-rank-required = a value is required here (position on the ladder, higher = more senior)
import-reason-negative-base-salary = a base salary cannot be negative
import-reason-left-before-hired = leaves before being hired on { $hired }
import-reason-loan-card-chars = a loan-card number has only letters and digits
import-reason-currency-invalid = a currency is a 3-letter ISO code such as CNY or USD
import-reason-negative-term = a term cannot be negative
import-reason-closed-before-opened = closed before it was opened on { $opened }
import-reason-ends-before-starts = ends before it starts on { $from }
import-reason-negative-target = a target cannot be negative
import-reason-tally-not-month = a tally is kept for a month: write it as 2013-08
import-reason-self-rating-relation = a rater scoring themself must use relation self
import-reason-self-needs-same-rater = relation self needs rater_id = manager_id
import-reason-dispute-item-reserved = items named 申诉 #… are the adjustments of decided disputes, written by the decision: give the adjustment another name
import-reason-total-reserved = total is reserved for the sum of a manager's lines: give the adjustment another name (e.g. 调整 or 奖励)
import-reason-spot-check-invalid = a spot check is confirmed (属实) or collusive (串通); leave it empty when the booking was not checked
import-reason-report-not-month = a report is for a month: write it as 2026-09
import-reason-outing-back-before-left = before the outing left ({ $left }); check the time
import-reason-signature-needs-signer = a signature needs the signer: fill in signed_by
import-reason-signed-before-log-day = signed before the day of the log ({ $day })
import-reason-done-long-before-due = more than a year before the item was due ({ $due }); check the date
import-reason-prospect-needs-converted-on = a prospect that became a client needs the day it did (converted_on)
import-reason-converted-before-first-contact = before the first contact ({ $first })
import-reason-working-required = a value is required here: true for a (make-up) working day, false for a holiday
import-reason-risk-level-invalid = write a product risk level R1 to R5
import-reason-risk-level-required = a value is required here (R1 to R5)
import-reason-term-out-of-range = a term is 0 to 1200 months
import-reason-negative-min-amount = a minimum amount cannot be negative
import-reason-finance-kind-invalid = write income, expense, asset or liability (收入, 支出, 资产, 负债)
import-reason-negative-finance-amount = an amount is never negative: write an expense as a positive amount of kind expense, a debt as a liability
import-reason-goal-amount-not-positive = a goal needs an amount above zero
import-reason-negative-holding = a holding cannot be negative
import-reason-duplicate-product = this product is listed twice; keep one row per product
import-reason-unknown-product = this product is not in products.csv; add it to the shelf first
import-reason-duplicate-key = duplicate key: the same as row { $first }; keep one of the two rows
import-reason-duplicate-balance = duplicate key: the same account and date as row { $first }; keep one of the two rows
import-reason-unknown-account = unknown account: import it in accounts first
import-reason-unknown-client = unknown client: import it in clients first
import-reason-unknown-manager = unknown customer manager: import them in managers first
import-reason-unknown-org-unit = unknown org unit: it is not in org_units (import it there first)
import-reason-unknown-track = unknown track: import it in tracks first
import-reason-unknown-parent-unit = unknown parent unit: list it in this file or import it first
import-reason-grade-not-in-ladder = not a grade of track { $track }: the ladder has { $grades }
import-reason-account-of-other-client = the account belongs to another client, not { $client }
import-reason-ownership-duplicate = { $subject_kind } { $subject }: manager { $manager } is given twice from { $from }; keep one row
import-reason-ownership-rewrites-history = { $subject_kind } { $subject }: a version starting { $new_from } would rewrite history: the ledger already records { $manager } for { $recorded }; a change takes effect after the last recorded start
import-reason-ownership-sum = { $subject_kind } { $subject }: ratios sum to { $sum } on { $days }, not 1 ({ $shares }); the shares of one subject must add up to exactly 1 on every day
import-reason-ownership-overlap = { $subject_kind } { $subject }: manager { $manager } has two versions that share days ({ $a } and { $b }); close one before the other starts
advice-reassess-more = { $count } clients are due for re-assessment; the { $shown } due soonest are shown.
import-reason-columns-missing = Row 1 (header): the required column(s) { $missing } of table { $table } are missing; the header has: { $found }.
import-reason-columns-duplicate = Columns “{ $first }” and “{ $second }” both give { $column }: keep one.
import-reason-not-utf8 = Line { $line } is not UTF-8: the file is probably GBK (GB18030) as Chinese Excel saves it. Save it as “CSV UTF-8” and import it again (on the command line, --encoding gbk).
import-reason-mixed-encodings = The file mixes encodings: line { $utf8 } is UTF-8 but line { $other } is not (probably GBK). Save the whole file in one encoding (“CSV UTF-8”) and import it again.
import-reason-file-empty = The file is empty: it needs a header row (e.g. { $example }) and data rows.
import-reason-sheet-empty = The sheet is empty: it needs a header row and data rows.
import-reason-no-data-rows = The file has a header but no data rows: there is nothing to import.
import-reason-sheet-not-found = The workbook has no sheet named { $sheet } ({ $table }); its sheets are: { $sheets }. Rename the sheet to read to { $sheet } or { $table }, or keep only that sheet in the workbook (on the command line, --sheet names it).
import-reason-xls-not-read = Old Excel 97-2003 workbooks (.xls) are not read: open it in Excel or WPS, save it as .xlsx (or CSV UTF-8) and import that file.
