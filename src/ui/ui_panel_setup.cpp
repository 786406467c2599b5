// ui_panel_setup.cpp: the left column — Data & model (data set, loading bar, presets, the summary table) and
// Training (settings, Start / Pause / Step / Reset, epoch progress with samples/s and ETA, the Keras log).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "imgui.h"
#include "kernels/threads.h"
#include "ui_app.h"

namespace convlens {
namespace {

// Sliders show the part of a setting's range people use; a value typed past them (Ctrl+click) is taken when the
// setting's range (trainer.h, optimizer.h) allows it, else the old value stays.
void slider_int(const char* label, int& value, WholeRange range, int shown_hi, ImGuiSliderFlags flags) {
  int v = value;
  if (ImGui::SliderInt(label, &v, int(range.lo), shown_hi, "%d", flags) && range.contains(v)) value = v;
}

void slider_float(const char* label, float& value, RealRange range, float shown_lo, float shown_hi, const char* format,
                  ImGuiSliderFlags flags) {
  float v = value;
  if (ImGui::SliderFloat(label, &v, shown_lo, shown_hi, format, flags) && range.contains(v)) value = v;
}

bool editable(const Lab& lab) {
  return lab.state() == LabState::Ready || lab.state() == LabState::Done || lab.state() == LabState::Error;
}

std::string thousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string duration(double seconds) {
  char buf[32];
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const int s = int(seconds + 0.5);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ds", s);
  return buf;
}

// The Keras summary's table: its columns as wide as their text, scrolled sideways in a narrow panel.
void summary_table(const Model& model) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_ScrollX;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row = ImGui::GetTextLineHeight() + 2 * style.CellPadding.y;
  const float height = float(model.layers.size() + 1) * row + style.ScrollbarSize + 2;
  if (!ImGui::BeginTable("summary", 3, flags, ImVec2(0, height))) return;
  ImGui::TableSetupColumn(tr(Text::ColLayer));
  ImGui::TableSetupColumn(tr(Text::ColOutputShape));
  ImGui::TableSetupColumn(tr(Text::ColParams));
  ImGui::TableHeadersRow();
  size_t total = 0;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    total += l.param_count();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu %s", i, l.name.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", l.name.c_str(), layer_kind_class(l.spec.kind));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.out.to_keras().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(thousands(l.param_count()).c_str());
  }
  ImGui::EndTable();
  ImGui::Text(tr(Text::TotalParams), thousands(total).c_str());
  ImGui::TextDisabled(tr(Text::MflopPerSample), model_flops_per_sample(model, true) / 1e6);
}

void apply_model(Lab& lab, UiState& ui, const std::string& text) {
  const std::string before = lab.settings().model;
  lab.settings().model = text;
  Status s = lab.reset();
  if (s.ok()) {
    ui.model_error.clear();
    ui.layer = std::min(ui.layer, int(lab.model().layers.size()) - 1);
    return;
  }
  ui.model_error = s.error;
  lab.settings().model = before;
  lab.reset();
}

// The opt-in to keep the trained model in this browser, and the offer of the one kept on an earlier visit.
void kept_model(const Lab& lab, UiState& ui) {
  bool on = ui.keep_model_on;
  if (ImGui::Checkbox(tr_id(Text::KeepModel, "keep_model").c_str(), &on)) ui.keep_model(on);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr(Text::KeepModelTip), double(lab.model_file_bytes()) / 1048576.0);
  const UiState::KeptModel& k = ui.kept;
  if (!k.present) return;
  ImGui::TextWrapped(tr(Text::KeptModel), k.dataset.c_str(), k.epochs, 100 * k.accuracy, k.when.c_str(), k.megabytes);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr(Text::KeptModelTip), k.model.c_str());
  ImGui::BeginDisabled(lab.state() == LabState::Loading);
  if (ImGui::Button(tr_id(Text::Restore, "restore").c_str())) ui.restore_model();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::RestoreTip));
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(tr_id(Text::Forget, "forget").c_str())) ui.forget_model();
}

}  // namespace

void ui_panel_data_model(Lab& lab, UiState& ui) {
  if (lab.settings().model != ui.model_shown) {  // changed elsewhere: the URL, the API, a new data set's preset
    ui.model_shown = lab.settings().model;
    std::snprintf(ui.model_text, sizeof ui.model_text, "%s", ui.model_shown.c_str());
  }
  if (!ImGui::CollapsingHeader(tr_id(Text::DataAndModel, "data_model").c_str(),
                               ui.embed ? 0 : ImGuiTreeNodeFlags_DefaultOpen))
    return;
  const bool can_edit = editable(lab);
  ImGui::BeginDisabled(!can_edit);
  const DatasetInfo* current = dataset_info(lab.settings().dataset);
  ImGui::SetNextItemWidth(-80);
  if (ImGui::BeginCombo(tr_id(Text::DataSet, "dataset").c_str(), current ? current->title.c_str() : "")) {
    for (const DatasetInfo& d : datasets()) {
      const bool served = std::find(ui.served.begin(), ui.served.end(), d.id) != ui.served.end();
      if (served && ImGui::Selectable(d.title.c_str(), &d == current)) {
        lab.settings().dataset = d.id;
        lab.reset();  // the platform fetches it
      } else if (!served && !d.bundled && ui.pick_data_files) {
        char label[160];
        std::snprintf(label, sizeof label, tr(Text::FromYourDisk), d.title.c_str());
        if (ImGui::Selectable(label)) ui.pick_data_files(d.id);
      }
      if (!served && !d.bundled && ImGui::IsItemHovered())
        ImGui::SetTooltip(tr(Text::NotServedTip), d.title.c_str(), d.archive.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  if (ui.import_fraction >= 0) {
    char label[160];
    std::snprintf(label, sizeof label, "%s  %.0f%%", ui.import_what.c_str(), ui.import_fraction * 100);
    ImGui::ProgressBar(float(ui.import_fraction), ImVec2(-1, 0), label);
  }

  if (lab.state() == LabState::Loading) {
    char label[160];
    std::snprintf(label, sizeof label, "%s  %.0f%%", lab.loading_what().c_str(), lab.loading_fraction() * 100);
    ImGui::ProgressBar(float(lab.loading_fraction()), ImVec2(-1, 0), label);
    return;
  }
  if (lab.has_data()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped(tr(Text::TrainTestImages), thousands(lab.train_data().size()).c_str(),
                       thousands(lab.test_data().size()).c_str(), lab.train_data().shape.to_keras("N").c_str());
    ImGui::PopStyleColor();
  }

  ImGui::BeginDisabled(!can_edit);
  const std::string preset = current ? current->model : LabSettings().model;  // the book's CNN for this data
  if (ImGui::Button(tr_id(Text::BooksCnn, "book_cnn").c_str())) apply_model(lab, ui, preset);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", spec_preset_text(preset).c_str());
  ImGui::SameLine();
  if (ImGui::Button(tr_id(Text::Tiny, "tiny").c_str())) {
    std::snprintf(ui.model_text, sizeof ui.model_text, "conv8k5-pool2-conv16k5-pool2-flat-dense10");
    apply_model(lab, ui, ui.model_text);
  }
  ImGui::SetNextItemWidth(-50);
  if (ImGui::InputText(tr_id(Text::Spec, "spec").c_str(), ui.model_text, sizeof ui.model_text,
                       ImGuiInputTextFlags_EnterReturnsTrue))
    apply_model(lab, ui, ui.model_text);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tr(Text::SpecTip));
  ImGui::EndDisabled();
  if (!ui.model_error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", ui.model_error.c_str());
  if (!lab.model().layers.empty()) summary_table(lab.model());
}

void ui_panel_training(Lab& lab, UiState& ui) {
  if (!ImGui::CollapsingHeader(tr_id(Text::Training, "training").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
  LabSettings& s = lab.settings();
  const bool can_edit = editable(lab);
  ImGui::BeginDisabled(!can_edit);
  ImGui::PushItemWidth(-110);
  TrainConfig& t = s.train;
  int opt = t.optimizer.kind == OptimizerKind::SGD ? 1 : 0;
  const char* optimizers[] = {"Adam", tr(Text::SgdMomentum)};
  if (ImGui::Combo(tr_id(Text::Optimizer, "optimizer").c_str(), &opt, optimizers, 2))
    t.optimizer.kind = opt ? OptimizerKind::SGD : OptimizerKind::Adam;
  slider_float(tr_id(Text::LearningRate, "lr").c_str(), t.optimizer.lr, kLrRange, 1e-5f, 1.0f, "%.5f",
               ImGuiSliderFlags_Logarithmic);
  if (t.optimizer.kind == OptimizerKind::SGD)
    slider_float(tr_id(Text::Momentum, "momentum").c_str(), t.optimizer.momentum, kMomentumRange, 0.0f, 0.99f, "%.2f",
                 0);
  slider_int(tr_id(Text::BatchSize, "batch").c_str(), t.batch, kBatchRange, 512, ImGuiSliderFlags_Logarithmic);
  slider_int(tr_id(Text::Epochs, "epochs").c_str(), t.epochs, kEpochsRange, 50, 0);
  slider_float(tr_id(Text::ValidationSplit, "val_split").c_str(), t.val_split, kValSplitRange, 0.0f, 0.9f, "%.2f", 0);
  int subset = int(std::min<size_t>(t.subset, INT_MAX));
  const int total = int(lab.train_data().size());
  ImGui::SliderInt(tr_id(Text::Samples, "samples").c_str(), &subset, 0, std::max(total, 1),
                   subset == 0 ? tr(Text::All) : "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::SamplesTip));
  if (kSubsetRange.contains(subset)) t.subset = size_t(subset);
  int seed = int(t.seed % 1000000);
  if (ImGui::InputInt(tr_id(Text::Seed, "seed").c_str(), &seed)) {
    t.seed = uint64_t(std::max(seed, 0));
    lab.reset();  // new initial weights
  }
  ImGui::PopItemWidth();
  ImGui::EndDisabled();
  if (ui.max_threads > 1) {  // the threaded build: the engine's threads, changeable while training
    ImGui::PushItemWidth(-110);
    int threads = engine_threads();
    if (ImGui::SliderInt(tr_id(Text::Threads, "threads").c_str(), &threads, 1, ui.max_threads)) lab.set_threads(threads);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr(Text::ThreadsTip));
    ImGui::PopItemWidth();
  }

  // Start / Pause / Step / Reset
  const LabState st = lab.state();
  ImGui::BeginDisabled(st == LabState::Loading);
  if (st == LabState::Training) {
    if (ImGui::Button(tr_id(Text::Pause, "run").c_str(), ImVec2(80, 0))) lab.pause();
  } else {
    const Text label = st == LabState::Paused ? Text::Resume : (st == LabState::Done ? Text::TrainAgain : Text::Start);
    if (ImGui::Button(tr_id(label, "run").c_str(), ImVec2(80, 0))) lab.train();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(st == LabState::Training);
  if (ImGui::Button(tr_id(Text::Step, "step").c_str())) lab.step(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::StepTip));
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(tr_id(Text::Reset, "reset").c_str())) lab.reset();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::ResetTip));
  ImGui::EndDisabled();
  if (ui.save_model && ui.load_model) {
    ImGui::BeginDisabled(st == LabState::Loading);
    if (ImGui::Button(tr_id(Text::SaveModel, "save_model").c_str())) ui.save_model();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr(Text::SaveModelTip));
    ImGui::SameLine();
    if (ImGui::Button(tr_id(Text::LoadModel, "load_model").c_str())) ui.load_model();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::LoadModelTip));
    if (ui.share_link) {
      ImGui::SameLine();
      if (ImGui::Button(tr_id(Text::CopyLink, "copy_link").c_str())) ui.share_link();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::CopyLinkTip));
    }
    ImGui::EndDisabled();
  }
  if (ui.keep_model) kept_model(lab, ui);

  // Progress
  const Lab::Metrics m = lab.metrics();
  if (lab.started()) {
    char label[128];
    const bool validating = lab.view().train_state == TrainState::Validating;
    std::snprintf(label, sizeof label, tr(Text::EpochProgress), m.epoch, m.epochs,
                  tr(validating ? Text::Validating : Text::Batch),
                  m.batch, m.batches_per_epoch);
    ImGui::ProgressBar(float(m.epoch_progress), ImVec2(-1, 0), label);
    ImGui::Text(tr(Text::SamplesPerSecEta), m.throughput > 0 ? m.throughput : m.samples_per_sec,
                st == LabState::Training ? duration(m.eta_seconds).c_str() : "-");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(tr(Text::RateTip), m.samples_per_sec, m.throughput);
    ImGui::Text(tr(Text::LossAcc), m.loss, m.acc);
    if (!lab.view().history.empty()) {  // beside the training figures if the panel is wide enough
      char val[128];
      std::snprintf(val, sizeof val, tr(Text::ValLossAcc), m.val_loss, m.val_acc);
      ui_same_line_if_fits(ImGui::CalcTextSize(val).x);
      ImGui::TextUnformatted(val);
    }
  } else if (st == LabState::Ready) {
    ImGui::TextDisabled("%s", tr(Text::PressStart));
    if (m.epoch_estimate_seconds > 0)  // Trainer::prepare's timed passes, for this model, batch and thread count
      ImGui::TextWrapped(tr(Text::EpochEstimate), duration(m.epoch_estimate_seconds).c_str(),
                         lab.view().first_pass.train);
  }
  if (lab.testing()) {
    ImGui::ProgressBar(float(lab.test_progress()), ImVec2(-1, 0), tr(Text::EvaluatingTest));
  } else if (m.has_test) {
    ImGui::TextColored(ImVec4(0.5f, 1, 0.5f, 1), tr(Text::TestLossAcc), m.test_loss, m.test_acc);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr(Text::TestTip), lab.test_data().size());
  }
  if (st == LabState::Error) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", lab.error().c_str());

  // The Keras-style log
  ImGui::TextDisabled("%s", tr(Text::Log));
  const float log_h = std::max(90.0f, ImGui::GetContentRegionAvail().y);  // the panel scrolls if it must
  ImGui::BeginChild("log", ImVec2(0, log_h), true, ImGuiWindowFlags_HorizontalScrollbar);
  for (const std::string& line : lab.log()) ImGui::TextUnformatted(line.c_str());
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
}

}  // namespace convlens
