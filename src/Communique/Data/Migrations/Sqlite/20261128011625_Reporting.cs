using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reporting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Bounce",
                table: "OutboundMessages",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BounceDetail",
                table: "OutboundMessages",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClickedAt",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ComplainedAt",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OpenedAt",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UnsubscribedAt",
                table: "OutboundMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SendHourlyStats",
                columns: table => new
                {
                    SendId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Opens = table.Column<long>(type: "INTEGER", nullable: false),
                    Clicks = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendHourlyStats", x => new { x.SendId, x.Hour });
                    table.ForeignKey(
                        name: "FK_SendHourlyStats_CampaignSends_SendId",
                        column: x => x.SendId,
                        principalTable: "CampaignSends",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SendStats",
                columns: table => new
                {
                    SendId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sent = table.Column<long>(type: "INTEGER", nullable: false),
                    Failed = table.Column<long>(type: "INTEGER", nullable: false),
                    SuppressedInvalid = table.Column<long>(type: "INTEGER", nullable: false),
                    SuppressedHardBounce = table.Column<long>(type: "INTEGER", nullable: false),
                    SuppressedUnsubscribed = table.Column<long>(type: "INTEGER", nullable: false),
                    SuppressedBlacklisted = table.Column<long>(type: "INTEGER", nullable: false),
                    Opens = table.Column<long>(type: "INTEGER", nullable: false),
                    UniqueOpens = table.Column<long>(type: "INTEGER", nullable: false),
                    MachineOpens = table.Column<long>(type: "INTEGER", nullable: false),
                    Clicks = table.Column<long>(type: "INTEGER", nullable: false),
                    UniqueClicks = table.Column<long>(type: "INTEGER", nullable: false),
                    SoftBounces = table.Column<long>(type: "INTEGER", nullable: false),
                    HardBounces = table.Column<long>(type: "INTEGER", nullable: false),
                    RefusedHard = table.Column<long>(type: "INTEGER", nullable: false),
                    Complaints = table.Column<long>(type: "INTEGER", nullable: false),
                    Unsubscribes = table.Column<long>(type: "INTEGER", nullable: false),
                    Desktop = table.Column<long>(type: "INTEGER", nullable: false),
                    Mobile = table.Column<long>(type: "INTEGER", nullable: false),
                    Tablet = table.Column<long>(type: "INTEGER", nullable: false),
                    OtherDevice = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendStats", x => x.SendId);
                    table.ForeignKey(
                        name: "FK_SendStats_CampaignSends_SendId",
                        column: x => x.SendId,
                        principalTable: "CampaignSends",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SendHourlyStats");

            migrationBuilder.DropTable(
                name: "SendStats");

            migrationBuilder.DropColumn(
                name: "Bounce",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "BounceDetail",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "ClickedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "ComplainedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "UnsubscribedAt",
                table: "OutboundMessages");
        }
    }
}
