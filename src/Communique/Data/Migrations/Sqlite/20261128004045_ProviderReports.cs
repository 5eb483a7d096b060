using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProviderReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebhookSecrets",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SealedSecret = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookSecrets", x => x.TeamId);
                    table.ForeignKey(
                        name: "FK_WebhookSecrets_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_TeamId_MessageIdHeader",
                table: "OutboundMessages",
                columns: new[] { "TeamId", "MessageIdHeader" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebhookSecrets");

            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_TeamId_MessageIdHeader",
                table: "OutboundMessages");
        }
    }
}
