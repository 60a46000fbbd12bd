using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Postgres
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    strategy_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    arm_seed = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    arm = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
