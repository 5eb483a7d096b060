using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ArchivePolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_CreatedAt",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_Recipient_CreatedAt",
                table: "ArchiveEntries");

            migrationBuilder.AddColumn<Guid>(
                name: "CampaignId",
                table: "ArchiveEntries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CommunicationId",
                table: "ArchiveEntries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CommunicationVersion",
                table: "ArchiveEntries",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DictionaryHash",
                table: "ArchiveEntries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Metadata",
                table: "ArchiveEntries",
                type: "character varying(16384)",
                maxLength: 16384,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgedAt",
                table: "ArchiveEntries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RecordUuid",
                table: "ArchiveEntries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RetainUntil",
                table: "ArchiveEntries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TextKey",
                table: "ArchiveEntries",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ArchiveFields",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchiveFields", x => new { x.TeamId, x.Name, x.Value, x.EntryId });
                    table.ForeignKey(
                        name: "FK_ArchiveFields_ArchiveEntries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "ArchiveEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ArchiveHolds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Search = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SetAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SetBy = table.Column<Guid>(type: "uuid", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReleasedBy = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchiveHolds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ArchiveHolds_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ArchivePolicies",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Archive = table.Column<bool>(type: "boolean", nullable: false),
                    RetentionYears = table.Column<int>(type: "integer", nullable: true),
                    RetentionDays = table.Column<int>(type: "integer", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchivePolicies", x => new { x.TeamId, x.Scope });
                    table.ForeignKey(
                        name: "FK_ArchivePolicies_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ArchiveHeldEntries",
                columns: table => new
                {
                    HoldId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchiveHeldEntries", x => new { x.HoldId, x.EntryId });
                    table.ForeignKey(
                        name: "FK_ArchiveHeldEntries_ArchiveHolds_HoldId",
                        column: x => x.HoldId,
                        principalTable: "ArchiveHolds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_RetainUntil_PurgedAt",
                table: "ArchiveEntries",
                columns: new[] { "RetainUntil", "PurgedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_CampaignId",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "CampaignId" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_CommunicationId",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "CommunicationId" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_Id",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_Recipient",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "Recipient" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_RecordUuid",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "RecordUuid" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TextKey",
                table: "ArchiveEntries",
                column: "TextKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveFields_EntryId",
                table: "ArchiveFields",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveHeldEntries_TeamId_EntryId",
                table: "ArchiveHeldEntries",
                columns: new[] { "TeamId", "EntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveHolds_TeamId_ReleasedAt",
                table: "ArchiveHolds",
                columns: new[] { "TeamId", "ReleasedAt" });
        
            // The full-text index: an entry's words, without positions, under a GIN index.
            migrationBuilder.Sql("""
                CREATE TABLE "ArchiveTexts" (
                    "EntryId" uuid PRIMARY KEY REFERENCES "ArchiveEntries" ("Id") ON DELETE CASCADE,
                    "Vector" tsvector NOT NULL);
                CREATE INDEX "IX_ArchiveTexts_Vector" ON "ArchiveTexts" USING GIN ("Vector");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "ArchiveTexts";""");

            migrationBuilder.DropTable(
                name: "ArchiveFields");

            migrationBuilder.DropTable(
                name: "ArchiveHeldEntries");

            migrationBuilder.DropTable(
                name: "ArchivePolicies");

            migrationBuilder.DropTable(
                name: "ArchiveHolds");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_RetainUntil_PurgedAt",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_CampaignId",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_CommunicationId",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_Id",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_Recipient",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TeamId_RecordUuid",
                table: "ArchiveEntries");

            migrationBuilder.DropIndex(
                name: "IX_ArchiveEntries_TextKey",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "CommunicationId",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "CommunicationVersion",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "DictionaryHash",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "Metadata",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "PurgedAt",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "RecordUuid",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "RetainUntil",
                table: "ArchiveEntries");

            migrationBuilder.DropColumn(
                name: "TextKey",
                table: "ArchiveEntries");

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_CreatedAt",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveEntries_TeamId_Recipient_CreatedAt",
                table: "ArchiveEntries",
                columns: new[] { "TeamId", "Recipient", "CreatedAt" });
        }
    }
}
