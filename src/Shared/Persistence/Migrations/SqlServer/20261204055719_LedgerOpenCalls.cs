using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LedgerOpenCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_contact_attempts_node_ended_at",
                table: "contact_attempts");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_ended_at_node",
                table: "contact_attempts",
                columns: new[] { "ended_at", "node" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_contact_attempts_ended_at_node",
                table: "contact_attempts");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_node_ended_at",
                table: "contact_attempts",
                columns: new[] { "node", "ended_at" });
        }
    }
}
