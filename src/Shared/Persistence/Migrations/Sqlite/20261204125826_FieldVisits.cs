using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FieldVisits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "field_visit_outcomes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    scheduled_contact_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    result = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    agent = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    visited_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    contact_attempt_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    promise_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    plan_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    payment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    acknowledgement_id = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_field_visit_outcomes", x => x.id);
                    table.ForeignKey(
                        name: "FK_field_visit_outcomes_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_field_visit_outcomes_account_id",
                table: "field_visit_outcomes",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_field_visit_outcomes_idempotency_key",
                table: "field_visit_outcomes",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "field_visit_outcomes");
        }
    }
}
