// datasets.cpp: the data sets' table (see datasets.h), generated from assets/datasets.json.
#include "datasets.h"

namespace convlens {

const std::vector<DatasetInfo>& datasets() {
  static const std::vector<DatasetInfo> table = {
#include "datasets_table.inc"
  };
  return table;
}

const DatasetInfo* dataset_info(const std::string& id) {
  for (const DatasetInfo& d : datasets())
    if (d.id == id) return &d;
  return nullptr;
}

std::string dataset_ids(bool in_page_only) {
  std::vector<std::string> ids;
  for (const DatasetInfo& d : datasets())
    if (d.in_page || !in_page_only) ids.push_back(d.id);
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) text += (i == 0 ? "" : i + 1 == ids.size() ? " or " : ", ") + ids[i];
  return text;
}

}  // namespace convlens
