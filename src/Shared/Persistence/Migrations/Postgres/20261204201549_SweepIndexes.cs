using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SweepIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_steps_status_due_at",
                table: "case_steps");

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_done_executed_at",
                table: "case_steps",
                column: "executed_at",
                filter: "status = 'Done'");

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_planned",
                table: "case_steps",
                columns: new[] { "case_id", "due_at", "sequence", "id" },
                filter: "status = 'Planned'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_steps_done_executed_at",
                table: "case_steps");

            migrationBuilder.DropIndex(
                name: "IX_case_steps_planned",
                table: "case_steps");

            migrationBuilder.CreateIndex(
                name: "IX_case_steps_status_due_at",
                table: "case_steps",
                columns: new[] { "status", "due_at" });
        }
    }
}
