using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ChatSms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SmsReceipts",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageSid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsReceipts", x => new { x.TeamId, x.MessageSid });
                    table.ForeignKey(
                        name: "FK_SmsReceipts_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SmsSettings",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountSid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SealedAuthToken = table.Column<byte[]>(type: "bytea", nullable: false),
                    AuthTokenEnding = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    From = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BotId = table.Column<Guid>(type: "uuid", nullable: false),
                    WebhookKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsSettings", x => x.TeamId);
                    table.ForeignKey(
                        name: "FK_SmsSettings_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_TeamId_Channel_ExternalUserId",
                table: "Conversations",
                columns: new[] { "TeamId", "Channel", "ExternalUserId" });

            migrationBuilder.CreateIndex(
                name: "IX_SmsSettings_WebhookKey",
                table: "SmsSettings",
                column: "WebhookKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SmsReceipts");

            migrationBuilder.DropTable(
                name: "SmsSettings");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_TeamId_Channel_ExternalUserId",
                table: "Conversations");
        }
    }
}
