using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Messaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    from = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    to = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    body = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    provider_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    received_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    handled_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    handled_by = table.Column<Guid>(type: "uniqueidentifier", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_messages", x => x.id);
                    table.ForeignKey(
                        name: "FK_inbound_messages_agents_handled_by",
                        column: x => x.handled_by,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_messages_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "outbound_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    idempotency_key = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    debtor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    to = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    from = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true),
                    template = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    language = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    body = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    subject = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    content_sid = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    content_variables = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    state = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    contact_attempt_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    provider_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    error_code = table.Column<int>(type: "int", nullable: true),
                    error_message = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    attempts = table.Column<int>(type: "int", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    sending_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbound_messages", x => x.id);
                    table.ForeignKey(
                        name: "FK_outbound_messages_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_outbound_messages_contact_attempts_contact_attempt_id",
                        column: x => x.contact_attempt_id,
                        principalTable: "contact_attempts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_outbound_messages_debtors_debtor_id",
                        column: x => x.debtor_id,
                        principalTable: "debtors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_messages_debtor_id",
                table: "inbound_messages",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_messages_from_received_at",
                table: "inbound_messages",
                columns: new[] { "from", "received_at" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_messages_handled_at_received_at",
                table: "inbound_messages",
                columns: new[] { "handled_at", "received_at" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_messages_handled_by",
                table: "inbound_messages",
                column: "handled_by");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_messages_provider_id",
                table: "inbound_messages",
                column: "provider_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_account_id_created_at",
                table: "outbound_messages",
                columns: new[] { "account_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_contact_attempt_id",
                table: "outbound_messages",
                column: "contact_attempt_id");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_debtor_id",
                table: "outbound_messages",
                column: "debtor_id");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_idempotency_key",
                table: "outbound_messages",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_provider_id",
                table: "outbound_messages",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_state_sending_at",
                table: "outbound_messages",
                columns: new[] { "state", "sending_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbound_messages");

            migrationBuilder.DropTable(
                name: "outbound_messages");
        }
    }
}
