using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Push : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Audience",
                table: "CampaignSends",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PushOptOuts",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushOptOuts", x => new { x.TeamId, x.UserId });
                    table.ForeignKey(
                        name: "FK_PushOptOuts_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PushSettings",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VapidPublicKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SealedVapidPrivateKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    VapidSubject = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    VapidCreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FcmProjectId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FcmClientEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    SealedFcmAccount = table.Column<byte[]>(type: "BLOB", nullable: true),
                    FcmUpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApnsTeamId = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    ApnsKeyId = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    ApnsBundleId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ApnsProduction = table.Column<bool>(type: "INTEGER", nullable: false),
                    SealedApnsKey = table.Column<byte[]>(type: "BLOB", nullable: true),
                    ApnsUpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushSettings", x => x.TeamId);
                    table.ForeignKey(
                        name: "FK_PushSettings_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PushSites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AllowedOrigins = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SealedUserSecret = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushSites", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PushSites_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PushSubscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SiteId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    P256dh = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Auth = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Attributes = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PushSubscriptions_PushSites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "PushSites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_PushSubscriptions_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PushTags",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushTags", x => new { x.TeamId, x.Name, x.Value, x.SubscriptionId });
                    table.ForeignKey(
                        name: "FK_PushTags_PushSubscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "PushSubscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PushSites_Key",
                table: "PushSites",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PushSites_TeamId",
                table: "PushSites",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_PushSubscriptions_SiteId",
                table: "PushSubscriptions",
                column: "SiteId");

            migrationBuilder.CreateIndex(
                name: "IX_PushSubscriptions_TeamId_Endpoint",
                table: "PushSubscriptions",
                columns: new[] { "TeamId", "Endpoint" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PushSubscriptions_TeamId_Id",
                table: "PushSubscriptions",
                columns: new[] { "TeamId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PushSubscriptions_TeamId_UserId",
                table: "PushSubscriptions",
                columns: new[] { "TeamId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_PushTags_SubscriptionId",
                table: "PushTags",
                column: "SubscriptionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PushOptOuts");

            migrationBuilder.DropTable(
                name: "PushSettings");

            migrationBuilder.DropTable(
                name: "PushTags");

            migrationBuilder.DropTable(
                name: "PushSubscriptions");

            migrationBuilder.DropTable(
                name: "PushSites");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "Audience",
                table: "CampaignSends");
        }
    }
}
