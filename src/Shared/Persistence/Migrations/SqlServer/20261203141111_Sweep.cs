using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Sweep : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "reminded_at",
                table: "instalments",
                type: "datetime2",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reminded_at",
                table: "instalments");
        }
    }
}
