using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_calls",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    from = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    did = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    sip_call_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    received_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    debtor_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    queued_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    answered_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ended_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    agent_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    voicemail_path = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    handled_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    node = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_calls", x => x.id);
                    table.ForeignKey(
                        name: "FK_inbound_calls_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_calls_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_calls_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_calls_account_id",
                table: "inbound_calls",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_calls_agent_id",
                table: "inbound_calls",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_calls_debtor_id",
                table: "inbound_calls",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_calls_handled_at_outcome",
                table: "inbound_calls",
                columns: new[] { "handled_at", "outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_calls_received_at",
                table: "inbound_calls",
                column: "received_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbound_calls");
        }
    }
}
