using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Nlu : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NluModels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: true),
                    BuiltIns = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ActiveVersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Versions = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NluModels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NluModels_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NluEntities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Values = table.Column<string>(type: "TEXT", nullable: false),
                    Pattern = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NluEntities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NluEntities_NluModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "NluModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NluIntents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Utterances = table.Column<string>(type: "TEXT", nullable: false),
                    UtteranceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NluIntents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NluIntents_NluModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "NluModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NluModelVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DataHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ArtifactHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ArtifactBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: true),
                    Metrics = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NluModelVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NluModelVersions_NluModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "NluModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_NluEntities_ModelId_Name",
                table: "NluEntities",
                columns: new[] { "ModelId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NluIntents_ModelId_Name",
                table: "NluIntents",
                columns: new[] { "ModelId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NluModels_TeamId_Name",
                table: "NluModels",
                columns: new[] { "TeamId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NluModelVersions_ModelId_Number",
                table: "NluModelVersions",
                columns: new[] { "ModelId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NluEntities");

            migrationBuilder.DropTable(
                name: "NluIntents");

            migrationBuilder.DropTable(
                name: "NluModelVersions");

            migrationBuilder.DropTable(
                name: "NluModels");
        }
    }
}
