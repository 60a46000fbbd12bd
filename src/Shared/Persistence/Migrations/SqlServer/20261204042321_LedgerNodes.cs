using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LedgerNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "node",
                table: "contact_attempts",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ledger_nodes",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    seen_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_nodes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_node_ended_at",
                table: "contact_attempts",
                columns: new[] { "node", "ended_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_nodes");

            migrationBuilder.DropIndex(
                name: "IX_contact_attempts_node_ended_at",
                table: "contact_attempts");

            migrationBuilder.DropColumn(
                name: "node",
                table: "contact_attempts");
        }
    }
}
