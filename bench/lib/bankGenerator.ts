/** The seeded item-bank generator lives in the domain (tests use it too); benches import it from here. */
export { generateBank, normal, type BankGeneratorOptions } from '../../src/domain/learning/testing/bankGenerator';
