using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Collections.Shared.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DueContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_account_id",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_campaign_status_due_at",
                table: "scheduled_contacts");

            migrationBuilder.AddColumn<DateTime>(
                name: "confirmation_queued_at",
                table: "settlement_offers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "contact_attempt_id",
                table: "settlement_offers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "requested_by",
                table: "settlement_offers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "agent_id",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "agent_only_until",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "scheduled_contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "claimed_by",
                table: "scheduled_contacts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "claimed_until",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "closed_at",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "contact_attempt_id",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "expires_at",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_attempt_at",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "next_attempt_at",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<Guid>(
                name: "outbound_message_id",
                table: "scheduled_contacts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "outcome",
                table: "scheduled_contacts",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "purpose",
                table: "scheduled_contacts",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "StrategyStep");

            migrationBuilder.AddColumn<string>(
                name: "template",
                table: "scheduled_contacts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "document_path",
                table: "outbound_messages",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "scheduled_contact_id",
                table: "outbound_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "waives_statutory_interest",
                table: "creditors",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "purpose",
                table: "contact_attempts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "scheduled_contact_id",
                table: "contact_attempts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "strategy_reason",
                table: "cases",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "queue",
                table: "campaigns",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "collections-phone");

            migrationBuilder.AddColumn<DateOnly>(
                name: "interest_accrued_until",
                table: "accounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "statutory_interest",
                table: "accounts",
                type: "TEXT",
                precision: 18,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            // Rows queued before this migration: their next attempt is their due time.
            migrationBuilder.Sql("UPDATE scheduled_contacts SET next_attempt_at = due_at;");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_account_id_status",
                table: "scheduled_contacts",
                columns: new[] { "account_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_agent_id",
                table: "scheduled_contacts",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_campaign_status_next_attempt_at",
                table: "scheduled_contacts",
                columns: new[] { "campaign", "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_channel_status_next_attempt_at",
                table: "scheduled_contacts",
                columns: new[] { "channel", "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_created_at",
                table: "outbound_messages",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_scheduled_contact_id",
                table: "contact_attempts",
                column: "scheduled_contact_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_attempts_started_at",
                table: "contact_attempts",
                column: "started_at");

            migrationBuilder.AddForeignKey(
                name: "FK_scheduled_contacts_agents_agent_id",
                table: "scheduled_contacts",
                column: "agent_id",
                principalTable: "agents",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_scheduled_contacts_agents_agent_id",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_account_id_status",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_agent_id",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_campaign_status_next_attempt_at",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_contacts_channel_status_next_attempt_at",
                table: "scheduled_contacts");

            migrationBuilder.DropIndex(
                name: "IX_outbound_messages_created_at",
                table: "outbound_messages");

            migrationBuilder.DropIndex(
                name: "IX_contact_attempts_scheduled_contact_id",
                table: "contact_attempts");

            migrationBuilder.DropIndex(
                name: "IX_contact_attempts_started_at",
                table: "contact_attempts");

            migrationBuilder.DropColumn(
                name: "confirmation_queued_at",
                table: "settlement_offers");

            migrationBuilder.DropColumn(
                name: "contact_attempt_id",
                table: "settlement_offers");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "settlement_offers");

            migrationBuilder.DropColumn(
                name: "agent_id",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "agent_only_until",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "claimed_by",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "claimed_until",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "closed_at",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "contact_attempt_id",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "last_attempt_at",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "outbound_message_id",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "outcome",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "purpose",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "template",
                table: "scheduled_contacts");

            migrationBuilder.DropColumn(
                name: "document_path",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "scheduled_contact_id",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "waives_statutory_interest",
                table: "creditors");

            migrationBuilder.DropColumn(
                name: "purpose",
                table: "contact_attempts");

            migrationBuilder.DropColumn(
                name: "scheduled_contact_id",
                table: "contact_attempts");

            migrationBuilder.DropColumn(
                name: "strategy_reason",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "queue",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "interest_accrued_until",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "statutory_interest",
                table: "accounts");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_account_id",
                table: "scheduled_contacts",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_contacts_campaign_status_due_at",
                table: "scheduled_contacts",
                columns: new[] { "campaign", "status", "due_at" });
        }
    }
}
