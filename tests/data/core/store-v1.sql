-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 1 as released, with a few rows. Regenerate store-v1.db with:
--   rm -f store-v1.db && sqlite3 store-v1.db < store-v1.sql
CREATE TABLE account (  id TEXT PRIMARY KEY NOT NULL,  server_url TEXT NOT NULL,  role TEXT NOT NULL CHECK (role IN ('candidate', 'employer')),  created_at INTEGER NOT NULL);
CREATE TABLE candidate_profile (  id INTEGER PRIMARY KEY CHECK (id = 1),  full_name BLOB, email BLOB, phone BLOB, linkedin_url BLOB, address BLOB,  headline TEXT,  role_titles TEXT NOT NULL DEFAULT '[]',  contract_types TEXT NOT NULL DEFAULT '[]',  remote_preference TEXT CHECK (remote_preference IN ('remote', 'hybrid', 'on-site', 'any')),  salary_min INTEGER CHECK (salary_min >= 0),  salary_max INTEGER CHECK (salary_max >= 0),  salary_currency TEXT NOT NULL DEFAULT 'MAD',  salary_period TEXT NOT NULL DEFAULT 'month'    CHECK (salary_period IN ('year', 'month', 'day', 'hour')),  locations TEXT NOT NULL DEFAULT '[]',  willing_to_relocate INTEGER NOT NULL DEFAULT 0,  updated_at INTEGER NOT NULL DEFAULT 0,  CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max));
CREATE TABLE experience (  id INTEGER PRIMARY KEY,  remote_id TEXT UNIQUE,  title TEXT NOT NULL,  organisation TEXT,  start_date TEXT NOT NULL,  end_date TEXT,  description TEXT);
CREATE TABLE education (  id INTEGER PRIMARY KEY,  remote_id TEXT UNIQUE,  institution TEXT NOT NULL,  degree TEXT,  field TEXT,  start_date TEXT,  end_date TEXT);
CREATE TABLE skill (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL UNIQUE COLLATE NOCASE,  level TEXT CHECK (level IN ('beginner', 'intermediate', 'advanced', 'expert')),  years INTEGER CHECK (years >= 0));
CREATE TABLE document (  id INTEGER PRIMARY KEY,  remote_id TEXT UNIQUE,  kind TEXT NOT NULL DEFAULT 'cv',  file_name BLOB,  mime_type TEXT NOT NULL,  size INTEGER NOT NULL CHECK (size >= 0),  content BLOB NOT NULL,  created_at INTEGER NOT NULL);
CREATE TABLE job (  id INTEGER PRIMARY KEY,  remote_id TEXT UNIQUE,  title TEXT NOT NULL,  company TEXT,  location TEXT,  skills TEXT,  description TEXT,  contract_type TEXT,  remote TEXT,  updated_at INTEGER NOT NULL DEFAULT 0);

INSERT INTO account VALUES ('acct-1', 'https://platform.example', 'candidate', 1700000000);
INSERT INTO candidate_profile (id, headline, role_titles, remote_preference, salary_min, salary_max, locations, willing_to_relocate)
  VALUES (1, 'Data engineer', '["Data engineer"]', 'hybrid', 15000, 25000, '["Casablanca","Rabat"]', 1);
INSERT INTO experience (id, title, organisation, start_date, end_date) VALUES (1, 'Data engineer', 'OCP', '2019-09', NULL);
INSERT INTO education (id, institution, degree, field, start_date, end_date) VALUES (1, 'ENSIAS', 'Ingénieur', 'Informatique', '2014-09', '2017-07');
INSERT INTO skill (id, name, level, years) VALUES (1, 'SQL', 'expert', 7), (2, 'Python', 'advanced', 5);
INSERT INTO job (id, remote_id, title, company, location, skills, description) VALUES
  (1, 'job-1', 'Ingénieur données', 'OCP', 'Casablanca', 'SQL, Python', 'Pipeline de données'),
  (2, 'job-2', 'مهندس البرمجيات', 'Maroc Telecom', 'الرباط', 'C, Linux', 'تطوير الأنظمة'),
  (3, 'job-3', 'Chef de projet', 'CDG', 'Rabat', 'Gestion', 'Pilotage de projets');
PRAGMA user_version = 1;
