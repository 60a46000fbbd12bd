using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ArmControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "strategy_arm_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    strategy_id = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    arm_seed = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    arm = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    action = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    by = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_strategy_arm_changes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_strategy_arm_changes_strategy_id_arm_seed_id",
                table: "strategy_arm_changes",
                columns: new[] { "strategy_id", "arm_seed", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "strategy_arm_changes");
        }
    }
}
