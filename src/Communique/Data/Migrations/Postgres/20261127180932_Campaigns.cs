using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Campaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Campaigns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Campaigns_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CampaignSends",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommunicationVersion = table.Column<int>(type: "integer", nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false),
                    DataSourceId = table.Column<Guid>(type: "uuid", nullable: true),
                    DataSourceGeneration = table.Column<int>(type: "integer", nullable: false),
                    AddressField = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SenderAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    SenderName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReplyTo = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    SubjectOverride = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Tracking = table.Column<bool>(type: "boolean", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ScheduledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Expanded = table.Column<long>(type: "bigint", nullable: false),
                    RecordCount = table.Column<long>(type: "bigint", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignSends", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CampaignSends_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutboundMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    SendId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<long>(type: "bigint", nullable: false),
                    RecordUuid = table.Column<Guid>(type: "uuid", nullable: true),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastReply = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    SuppressionReason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MessageIdHeader = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboundMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutboundMessages_CampaignSends_SendId",
                        column: x => x.SendId,
                        principalTable: "CampaignSends",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_ProjectId_Name",
                table: "Campaigns",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_TeamId",
                table: "Campaigns",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignSends_CampaignId",
                table: "CampaignSends",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignSends_CommunicationId_State",
                table: "CampaignSends",
                columns: new[] { "CommunicationId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignSends_DataSourceId_State",
                table: "CampaignSends",
                columns: new[] { "DataSourceId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_SendId_Position",
                table: "OutboundMessages",
                columns: new[] { "SendId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_SendId_State_NextAttemptAt",
                table: "OutboundMessages",
                columns: new[] { "SendId", "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OutboundMessages");

            migrationBuilder.DropTable(
                name: "CampaignSends");

            migrationBuilder.DropTable(
                name: "Campaigns");
        }
    }
}
