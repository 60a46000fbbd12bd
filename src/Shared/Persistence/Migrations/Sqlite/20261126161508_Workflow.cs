using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Workflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_steps",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    step_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    phase = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    campaign = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    script_stage = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    executed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_steps", x => x.id);
                    table.ForeignKey(
                        name: "FK_case_steps_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payment_import_batches",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    format = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    imported_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    rows = table.Column<int>(type: "INTEGER", nullable: false),
                    matched = table.Column<int>(type: "INTEGER", nullable: false),
                    unmatched = table.Column<int>(type: "INTEGER", nullable: false),
                    rejected = table.Column<int>(type: "INTEGER", nullable: false),
                    duplicates = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_import_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_contacts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    campaign = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    script_stage = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scheduled_contacts", x => x.id);
                    table.ForeignKey(
                        name: "FK_scheduled_contacts_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_scheduled_contacts_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "settlement_offers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    balance = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    discount_percent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    consented_discount_percent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    pay_by = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    approval_requested_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_settlement_offers", x => x.id);
                    table.ForeignKey(
                        name: "FK_settlement_offers_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payment_import_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    batch_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line = table.Column<int>(type: "INTEGER", nullable: false),
                    payment_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    dedup_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    unmatched_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_import_entries", x => x.id);
                    table.ForeignKey(
                        name: "FK_payment_import_entries_payment_import_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "payment_import_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_payment_import_entries_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_case_id_step_key",
                table: "case_steps",
                columns: new[] { "case_id", "step_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_status_due_at",
                table: "case_steps",
                columns: new[] { "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "IX_payment_import_entries_batch_id",
                table: "payment_import_entries",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "IX_payment_import_entries_dedup_key",
                table: "payment_import_entries",
                column: "dedup_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payment_import_entries_payment_id",
                table: "payment_import_entries",
                column: "payment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_account_id",
                table: "scheduled_contacts",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_campaign_status_due_at",
                table: "scheduled_contacts",
                columns: new[] { "campaign", "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_case_id",
                table: "scheduled_contacts",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_idempotency_key",
                table: "scheduled_contacts",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_settlement_offers_account_id_status",
                table: "settlement_offers",
                columns: new[] { "account_id", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_steps");

            migrationBuilder.DropTable(
                name: "payment_import_entries");

            migrationBuilder.DropTable(
                name: "scheduled_contacts");

            migrationBuilder.DropTable(
                name: "settlement_offers");

            migrationBuilder.DropTable(
                name: "payment_import_batches");
        }
    }
}
