using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hopper : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "information_message_played",
                table: "contact_attempts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "hopper_claims",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    campaign_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    claimed_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    claimed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    claimed_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    claim_count = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hopper_claims", x => x.account_id);
                    table.ForeignKey(
                        name: "FK_hopper_claims_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_hopper_claims_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_hopper_claims_campaign_id",
                table: "hopper_claims",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "IX_hopper_claims_claimed_by",
                table: "hopper_claims",
                column: "claimed_by");

            migrationBuilder.CreateIndex(
                name: "IX_hopper_claims_claimed_until",
                table: "hopper_claims",
                column: "claimed_until");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hopper_claims");

            migrationBuilder.DropColumn(
                name: "information_message_played",
                table: "contact_attempts");
        }
    }
}
