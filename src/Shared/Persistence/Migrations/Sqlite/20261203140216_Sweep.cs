using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
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
                type: "TEXT",
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
