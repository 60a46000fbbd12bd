using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    login = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    display_name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    languages = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    sip_extension = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    active = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    mode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    industry = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    strategy_step = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    target_abandon_rate = table.Column<double>(type: "float", nullable: false),
                    max_lines_per_agent = table.Column<double>(type: "float", nullable: false),
                    ring_timeout_seconds = table.Column<int>(type: "int", nullable: false),
                    information_message = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: true),
                    machine_policy = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    machine_message = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: true),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "creditors",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    code = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    country = table.Column<string>(type: "nchar(2)", fixedLength: true, maxLength: 2, nullable: false),
                    report_email = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true),
                    policy_max_instalments = table.Column<int>(type: "int", nullable: false),
                    policy_min_instalment = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    policy_max_settlement_discount_percent = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    policy_promise_tolerance = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    policy_allows_sms = table.Column<bool>(type: "bit", nullable: false),
                    policy_allows_whatsapp = table.Column<bool>(type: "bit", nullable: false),
                    policy_allows_automated_dialing = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "debtors",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    first_name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    last_name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    company_name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    preferred_language = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    time_zone_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    email = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: true),
                    vulnerable = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_debtors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "portfolios",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portfolios", x => x.id);
                    table.ForeignKey(
                        name: "FK_portfolios_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "debtor_addresses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    street = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    postal_code = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    city = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    country = table.Column<string>(type: "nchar(2)", fixedLength: true, maxLength: 2, nullable: false),
                    valid_from = table.Column<DateTime>(type: "datetime2", nullable: false),
                    valid_until = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_debtor_addresses", x => x.id);
                    table.ForeignKey(
                        name: "FK_debtor_addresses_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "opt_outs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    address = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true),
                    at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    revoked_at = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opt_outs", x => x.id);
                    table.ForeignKey(
                        name: "FK_opt_outs_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "phone_numbers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    e164 = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    region = table.Column<string>(type: "nchar(2)", fixedLength: true, maxLength: 2, nullable: false),
                    priority = table.Column<int>(type: "int", nullable: false),
                    autodial_consent = table.Column<bool>(type: "bit", nullable: false),
                    consent_source = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    consent_at = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_phone_numbers", x => x.id);
                    table.ForeignKey(
                        name: "FK_phone_numbers_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    portfolio_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    creditor_reference = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    industry = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    origin = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    principal = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    interest = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    fees = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    paid = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    import_hash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accounts", x => x.id);
                    table.ForeignKey(
                        name: "FK_accounts_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_accounts_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_accounts_portfolios_portfolio_id",
                        column: x => x.portfolio_id,
                        principalTable: "portfolios",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    phase = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    strategy_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    next_step = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    next_step_due_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    risk_flags = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    opened_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    closed_at = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.id);
                    table.ForeignKey(
                        name: "FK_cases_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_attempts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    address = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    campaign_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    agent_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ended_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    right_party_contact = table.Column<bool>(type: "bit", nullable: false),
                    amd_flagged = table.Column<bool>(type: "bit", nullable: false),
                    external_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_attempts", x => x.id);
                    table.ForeignKey(
                        name: "FK_contact_attempts_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_contact_attempts_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_contact_attempts_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_contact_attempts_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    from = table.Column<DateTime>(type: "datetime2", nullable: false),
                    until = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_holds", x => x.id);
                    table.ForeignKey(
                        name: "FK_holds_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "instalment_plans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    agent_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    total = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    down_payment = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    frequency = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_instalment_plans", x => x.id);
                    table.ForeignKey(
                        name: "FK_instalment_plans_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_instalment_plans_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    number = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    issued_on = table.Column<DateOnly>(type: "date", nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    amount = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoices", x => x.id);
                    table.ForeignKey(
                        name: "FK_invoices_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    amount = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    received_on = table.Column<DateOnly>(type: "date", nullable: false),
                    reference = table.Column<string>(type: "nvarchar(140)", maxLength: 140, nullable: true),
                    method = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    payer_account = table.Column<string>(type: "nvarchar(34)", maxLength: 34, nullable: true),
                    allocated_fees = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    allocated_interest = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    allocated_principal = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    recorded_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments", x => x.id);
                    table.ForeignKey(
                        name: "FK_payments_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "promises_to_pay",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    agent_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    amount = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    payment_method = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    amount_received = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_promises_to_pay", x => x.id);
                    table.ForeignKey(
                        name: "FK_promises_to_pay_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_promises_to_pay_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "dispositions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    contact_attempt_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    agent_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    code = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    note = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    callback_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dispositions", x => x.id);
                    table.ForeignKey(
                        name: "FK_dispositions_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_dispositions_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_dispositions_contact_attempts_contact_attempt_id",
                        column: x => x.contact_attempt_id,
                        principalTable: "contact_attempts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "instalments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    plan_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    number = table.Column<int>(type: "int", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    paid_amount = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: false),
                    status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_instalments", x => x.id);
                    table.ForeignKey(
                        name: "FK_instalments_instalment_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "instalment_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_accounts_creditor_id_creditor_reference",
                table: "accounts",
                columns: new[] { "creditor_id", "creditor_reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_accounts_debtor_id",
                table: "accounts",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_portfolio_id",
                table: "accounts",
                column: "portfolio_id");

            migrationBuilder.CreateIndex(
                name: "IX_agents_login",
                table: "agents",
                column: "login",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_name",
                table: "campaigns",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_account_id",
                table: "cases",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_next_step_due_at",
                table: "cases",
                column: "next_step_due_at");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_account_id_started_at",
                table: "contact_attempts",
                columns: new[] { "account_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_address_started_at",
                table: "contact_attempts",
                columns: new[] { "address", "started_at" });

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_agent_id",
                table: "contact_attempts",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_campaign_id",
                table: "contact_attempts",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_debtor_id",
                table: "contact_attempts",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_external_id",
                table: "contact_attempts",
                column: "external_id");

            migrationBuilder.CreateIndex(
                name: "IX_creditors_code",
                table: "creditors",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_debtor_addresses_debtor_id",
                table: "debtor_addresses",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_dispositions_account_id_at",
                table: "dispositions",
                columns: new[] { "account_id", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_dispositions_agent_id_callback_at",
                table: "dispositions",
                columns: new[] { "agent_id", "callback_at" });

            migrationBuilder.CreateIndex(
                name: "IX_dispositions_contact_attempt_id",
                table: "dispositions",
                column: "contact_attempt_id");

            migrationBuilder.CreateIndex(
                name: "IX_holds_account_id",
                table: "holds",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_instalment_plans_account_id",
                table: "instalment_plans",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_instalment_plans_agent_id",
                table: "instalment_plans",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_instalments_plan_id_number",
                table: "instalments",
                columns: new[] { "plan_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_instalments_status_due_date",
                table: "instalments",
                columns: new[] { "status", "due_date" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_account_id_number",
                table: "invoices",
                columns: new[] { "account_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_opt_outs_address",
                table: "opt_outs",
                column: "address");

            migrationBuilder.CreateIndex(
                name: "IX_opt_outs_debtor_id",
                table: "opt_outs",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_payments_account_id",
                table: "payments",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_phone_numbers_debtor_id",
                table: "phone_numbers",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_phone_numbers_e164",
                table: "phone_numbers",
                column: "e164");

            migrationBuilder.CreateIndex(
                name: "IX_portfolios_creditor_id_name",
                table: "portfolios",
                columns: new[] { "creditor_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_promises_to_pay_account_id",
                table: "promises_to_pay",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_promises_to_pay_agent_id",
                table: "promises_to_pay",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_promises_to_pay_status_due_date",
                table: "promises_to_pay",
                columns: new[] { "status", "due_date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cases");

            migrationBuilder.DropTable(
                name: "debtor_addresses");

            migrationBuilder.DropTable(
                name: "dispositions");

            migrationBuilder.DropTable(
                name: "holds");

            migrationBuilder.DropTable(
                name: "instalments");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropTable(
                name: "opt_outs");

            migrationBuilder.DropTable(
                name: "payments");

            migrationBuilder.DropTable(
                name: "phone_numbers");

            migrationBuilder.DropTable(
                name: "promises_to_pay");

            migrationBuilder.DropTable(
                name: "contact_attempts");

            migrationBuilder.DropTable(
                name: "instalment_plans");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "accounts");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "debtors");

            migrationBuilder.DropTable(
                name: "portfolios");

            migrationBuilder.DropTable(
                name: "creditors");
        }
    }
}
