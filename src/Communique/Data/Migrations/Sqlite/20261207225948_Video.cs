using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Video : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "VideoEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordUuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    Session = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Position = table.Column<double>(type: "REAL", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoEvents_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoLinks_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoRenders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    RecordUuid = table.Column<Guid>(type: "TEXT", nullable: true),
                    CacheKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Plan = table.Column<string>(type: "TEXT", nullable: false),
                    VideoHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PosterHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RenderMilliseconds = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoRenders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoRenders_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_CommunicationId",
                table: "VideoEvents",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_TeamId_CommunicationId_Id",
                table: "VideoEvents",
                columns: new[] { "TeamId", "CommunicationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_TeamId_CommunicationId_RecordUuid",
                table: "VideoEvents",
                columns: new[] { "TeamId", "CommunicationId", "RecordUuid" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_CommunicationId",
                table: "VideoLinks",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_Key",
                table: "VideoLinks",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_TeamId_CommunicationId",
                table: "VideoLinks",
                columns: new[] { "TeamId", "CommunicationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_CommunicationId",
                table: "VideoRenders",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_TeamId_CacheKey",
                table: "VideoRenders",
                columns: new[] { "TeamId", "CacheKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_TeamId_CommunicationId_RecordUuid",
                table: "VideoRenders",
                columns: new[] { "TeamId", "CommunicationId", "RecordUuid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VideoEvents");

            migrationBuilder.DropTable(
                name: "VideoLinks");

            migrationBuilder.DropTable(
                name: "VideoRenders");
        }
    }
}
