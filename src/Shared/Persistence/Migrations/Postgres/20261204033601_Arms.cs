using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Arms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "policy_channel_limits",
                table: "creditors",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "policy_mandate_channels",
                table: "creditors",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "policy_no_sms_before_first_letter",
                table: "creditors",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "arm",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "policy_channel_limits",
                table: "creditors");

            migrationBuilder.DropColumn(
                name: "policy_mandate_channels",
                table: "creditors");

            migrationBuilder.DropColumn(
                name: "policy_no_sms_before_first_letter",
                table: "creditors");

            migrationBuilder.DropColumn(
                name: "arm",
                table: "cases");
        }
    }
}
