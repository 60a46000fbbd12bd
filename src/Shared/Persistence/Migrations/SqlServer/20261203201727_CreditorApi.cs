using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CreditorApi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "creditor_api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    key_id = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    hash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    last_used_at = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditor_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "FK_creditor_api_keys_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "creditor_idempotent_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    caller = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    idempotency_key = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    request_hash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    status_code = table.Column<int>(type: "int", nullable: false),
                    response_body = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditor_idempotent_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "creditor_users",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditor_users", x => new { x.user_id, x.creditor_id });
                    table.ForeignKey(
                        name: "FK_creditor_users_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_creditor_users_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "creditor_webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    event_key = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    type = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    payload = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    occurred_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    attempts = table.Column<int>(type: "int", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    delivered_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    last_error = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditor_webhook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "FK_creditor_webhook_deliveries_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "creditor_webhooks",
                columns: table => new
                {
                    creditor_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    url = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    secret = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    scanned_until = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creditor_webhooks", x => x.creditor_id);
                    table.ForeignKey(
                        name: "FK_creditor_webhooks_creditors_creditor_id",
                        column: x => x.creditor_id,
                        principalTable: "creditors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_creditor_api_keys_creditor_id",
                table: "creditor_api_keys",
                column: "creditor_id");

            migrationBuilder.CreateIndex(
                name: "IX_creditor_api_keys_key_id",
                table: "creditor_api_keys",
                column: "key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_creditor_idempotent_requests_caller_idempotency_key",
                table: "creditor_idempotent_requests",
                columns: new[] { "caller", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_creditor_users_creditor_id",
                table: "creditor_users",
                column: "creditor_id");

            migrationBuilder.CreateIndex(
                name: "IX_creditor_webhook_deliveries_creditor_id_event_key",
                table: "creditor_webhook_deliveries",
                columns: new[] { "creditor_id", "event_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_creditor_webhook_deliveries_status_next_attempt_at",
                table: "creditor_webhook_deliveries",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "creditor_api_keys");

            migrationBuilder.DropTable(
                name: "creditor_idempotent_requests");

            migrationBuilder.DropTable(
                name: "creditor_users");

            migrationBuilder.DropTable(
                name: "creditor_webhook_deliveries");

            migrationBuilder.DropTable(
                name: "creditor_webhooks");
        }
    }
}
