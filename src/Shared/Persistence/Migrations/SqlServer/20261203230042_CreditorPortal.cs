using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CreditorPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "policy_legal_action_needs_consent",
                table: "creditors",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "policy_settlement_approval",
                table: "creditors",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Supervisor");

            migrationBuilder.CreateTable(
                name: "legal_action_consents",
                columns: table => new
                {
                    case_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    account_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    approved = table.Column<bool>(type: "bit", nullable: false),
                    decided_by = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    decided_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    note = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legal_action_consents", x => x.case_id);
                    table.ForeignKey(
                        name: "FK_legal_action_consents_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_legal_action_consents_account_id",
                table: "legal_action_consents",
                column: "account_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "legal_action_consents");

            migrationBuilder.DropColumn(
                name: "policy_legal_action_needs_consent",
                table: "creditors");

            migrationBuilder.DropColumn(
                name: "policy_settlement_approval",
                table: "creditors");
        }
    }
}
