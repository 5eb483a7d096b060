using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Channels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages");

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "OutboundMessages",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Email");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "OutboundMessages",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Bulk");

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "CampaignSends",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Email");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "CampaignSends",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Bulk");

            // Existing sends are email; transactional ones are those without a data source, and their messages
            // those that carry their record.
            migrationBuilder.Sql("""UPDATE "CampaignSends" SET "Kind" = 'Transactional' WHERE "DataSourceId" IS NULL""");
            migrationBuilder.Sql("""UPDATE "OutboundMessages" SET "Kind" = 'Transactional' WHERE "RecordJson" IS NOT NULL""");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages",
                columns: new[] { "TeamId", "State", "NextAttemptAt" },
                filter: "\"Kind\" = 'Transactional'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "CampaignSends");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "CampaignSends");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages",
                columns: new[] { "TeamId", "State", "NextAttemptAt" },
                filter: "\"RecordJson\" IS NOT NULL");
        }
    }
}
